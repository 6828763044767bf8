/**
 * One leg of the connection benchmark: a server's idle memory, its memory with N clients in one
 * room, and the time for one message to reach them all.
 *
 * @module
 */
import { type Daemon, log, median, ProcSampler, readProc, sleep } from "../shared/mod.ts";
import { DeliveryCounter } from "./delivery_counter.ts";
import { runBatched, type SwarmClient } from "./swarm.ts";

/** What one server measured. */
export interface ServerRun {
  name: string;
  /** `VmRSS` after start and a settle, before any client. */
  idleKiB: number;
  /** Chat only, on a server of its own: N TCP connections that have not said `hello`. */
  beforeLogin?: BeforeLogin;
  /** `VmRSS` with every client logged in and in the room, after a settle. */
  loadedKiB: number;
  /** Highest `VmRSS` while the clients logged in. */
  connectPeakKiB: number;
  /** From the first connect until the last client was in the room (login only for chat). */
  connectSeconds: number;
  /** Clients still connected after the settle. */
  held: number;
  /** From sending the message until the last of the N − 1 others had it; undefined: timed out. */
  broadcastSeconds: number | undefined;
  /** How many of the N − 1 others received it. */
  reached: number;
  broadcastPeakKiB: number;
  /** `VmRSS` 10 s after the broadcast, all clients still held: does the heap shrink back? */
  laterKiB: number;
  /** Why not every client could log in, if one could not (no broadcast is tried then). */
  failure?: string;
  /** The benchmark process itself, with all clients open. */
  clientRssKiB: number;
}

/** How a leg opens its clients. */
export interface Leg {
  daemon: Daemon;
  /** Connects client `index`, logs it in and joins the shared room. */
  login: (index: number, counter: DeliveryCounter) => Promise<SwarmClient>;
}

/** Settings shared by every leg. */
export interface MeasureOptions {
  connections: number;
  concurrency: number;
  settleMs: number;
  broadcastTimeoutMs: number;
}

/** Measures one server; closes every client it opened before returning. */
export async function measure(leg: Leg, options: MeasureOptions): Promise<ServerRun> {
  const { daemon } = leg;
  const n = options.connections;
  const counter = new DeliveryCounter(`bench-${crypto.randomUUID()}`);
  const clients: SwarmClient[] = [];
  const sampler = new ProcSampler(daemon.pid, 50);
  try {
    const idleKiB = await settledRss(daemon.pid, options.settleMs);
    log(`${daemon.name}: idle ${mib(idleKiB)}`);
    const progress = (what: string) => (done: number) => log(`${daemon.name}: ${done} ${what}`);
    sampler.phase();
    const started = performance.now();
    let loggedIn = 0;
    let failure: string | undefined;
    try {
      await runBatched(n, options.concurrency, async (index) => {
        const client = await leg.login(index, counter);
        clients.push(client);
        loggedIn++;
        return client;
      }, { progress: progress("logged in"), every: 1000 });
    } catch (error) {
      failure = `${loggedIn} of ${n} logged in, then: ${(error as Error).message}`;
      log(`${daemon.name}: ${failure}`);
    }
    const connectSeconds = (performance.now() - started) / 1000;
    const connectPeakKiB = sampler.phase().peakRssKiB;
    log(`${daemon.name}: ${n} in the room after ${connectSeconds.toFixed(1)} s`);
    const loadedKiB = await settledRss(daemon.pid, options.settleMs);
    const held = clients.filter((client) => client.closedBy === undefined).length;
    log(`${daemon.name}: ${held} held, ${mib(loadedKiB)}`);
    const clientRssKiB = Math.round(Deno.memoryUsage().rss / 1024);

    const loggedInRun = {
      name: daemon.name,
      idleKiB,
      loadedKiB,
      connectPeakKiB,
      connectSeconds,
      held,
      clientRssKiB,
    };
    if (failure !== undefined) {
      return {
        ...loggedInRun,
        broadcastSeconds: undefined,
        reached: 0,
        broadcastPeakKiB: sampler.phase().peakRssKiB,
        laterKiB: loadedKiB,
        failure,
      };
    }
    sampler.phase();
    const sent = performance.now();
    await clients[0].say(`${counter.marker} one message for everyone`);
    const reachedAt = await counter.waitFor(n - 1, options.broadcastTimeoutMs);
    const broadcastPeakKiB = sampler.phase().peakRssKiB;
    const broadcastSeconds = reachedAt === undefined ? undefined : (reachedAt - sent) / 1000;
    log(
      `${daemon.name}: the message reached ${counter.count} of ${n - 1}` +
        (broadcastSeconds === undefined ? " (timed out)" : ` in ${broadcastSeconds.toFixed(3)} s`),
    );
    const laterKiB = await settledRss(daemon.pid, 10_000);
    log(`${daemon.name}: ${mib(laterKiB)} 10 s later`);
    const lost = clients.find((client) => client.closedBy !== undefined);
    if (lost !== undefined) log(`${daemon.name}: e.g. a client was closed: ${lost.closedBy}`);
    return { ...loggedInRun, broadcastSeconds, reached: counter.count, broadcastPeakKiB, laterKiB };
  } finally {
    sampler.stop();
    for (const client of clients) client.close();
  }
}

/** The server's memory with N connections that have not logged in. */
export interface BeforeLogin {
  /** `VmRSS` of this server before any connection. */
  idleKiB: number;
  rssKiB: number;
  /** Time to open the N connections. */
  seconds: number;
}

/**
 * Opens N connections with `open`, says nothing on them, and measures the server; closes them
 * all. The server closes a connection silent for 45 s whatever its handshake timeout, so this
 * runs on a server of its own: logging N clients into one room takes longer than that.
 */
export async function measureBeforeLogin(
  daemon: Daemon,
  open: (counter: DeliveryCounter) => Promise<SwarmClient>,
  options: MeasureOptions,
): Promise<BeforeLogin> {
  const counter = new DeliveryCounter(`bench-${crypto.randomUUID()}`);
  const clients: SwarmClient[] = [];
  try {
    const idleKiB = await settledRss(daemon.pid, options.settleMs);
    const started = performance.now();
    await runBatched(options.connections, options.concurrency, async () => {
      clients.push(await open(counter));
    });
    const seconds = (performance.now() - started) / 1000;
    const rssKiB = await settledRss(daemon.pid, options.settleMs);
    const lost = clients.filter((client) => client.closedBy !== undefined).length;
    if (lost > 0) throw new Error(`${lost} connections were closed before they said hello.`);
    log(`${daemon.name}: ${clients.length} connections without hello: ${mib(rssKiB)}`);
    return { idleKiB, rssKiB, seconds };
  } finally {
    for (const client of clients) client.close();
  }
}

/** `VmRSS` after `settleMs`, as the median of three samples half a second apart. */
async function settledRss(pid: number, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(500);
    const sample = readProc(pid);
    if (sample === undefined) throw new Error(`Process ${pid} has exited.`);
    samples.push(sample.rssKiB);
  }
  return median(samples);
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}
