import { remoteOf } from "../transport/mod.ts";
import type { BurstLog } from "./burst_log.ts";
import type { ConnectionLimits } from "./connection_limits.ts";
import { type DescriptorReserve, isOutOfDescriptors } from "./descriptor_reserve.ts";

/** The first pause after a failed accept; it doubles with each failure in a row. */
const MIN_BACKOFF_MS = 50;
/** The longest pause between accepts while they keep failing. */
const MAX_BACKOFF_MS = 1000;
/**
 * Refusals in progress at most, per port: each holds a descriptor until its answer is written
 * (at once on plain TCP; after a TLS handshake with `--tls`). At this many, accepting waits for
 * one to end, and newcomers wait in the kernel's queue, holding no descriptor of the process:
 * a flood of refusals cannot eat into the descriptors kept in reserve.
 */
const MAX_REFUSING = 32;
/** How long a refusal may take to be written before its connection is closed anyway. */
const REFUSAL_TIMEOUT_MS = 1000;

/** An accepted connection being served, as the accept loop tracks it until it is closed. */
export interface Served {
  /** Settles once the connection is closed. */
  readonly done: Promise<void>;
  /** Closes it now. */
  close(): void;
  /** The server is stopping: finish what is in progress and close (or leave it to the hub). */
  drain?(): void;
}

/** Settings of {@linkcode AcceptLoop}. */
export interface AcceptLoopOptions {
  /** The port in log lines: "chat port", "web port". */
  name: string;
  /** One budget for every port: a connection is counted in when accepted. */
  limits: ConnectionLimits;
  /** Told of each admitted connection, and of accept() running out of descriptors. */
  reserve?: DescriptorReserve;
  log: BurstLog;
  /** Serves an admitted connection. */
  serve(conn: Deno.Conn): Served;
  /** Writes why a connection over the limits is refused; it is closed after. */
  refuse(conn: Deno.Conn, reason: string): Promise<void>;
}

/**
 * Accepts connections on one listener (TCP or TLS) until stopped, for both the chat port and the
 * web port: admits each under the shared {@linkcode ConnectionLimits} (counted from the moment it
 * is accepted, whatever it goes on to say), refuses the rest with a short answer, and keeps the
 * served ones to close them on shutdown.
 *
 * No failure of `accept()` ends the loop (or the process): out of descriptors (EMFILE, ENFILE),
 * a connection reset before it was taken (ECONNABORTED), anything else. It is logged once per
 * burst, and accepting pauses (50 ms, doubling to 1 s, back to none after a success), since
 * retrying at once would fail at once and spin. Running out of descriptors is also told to the
 * {@linkcode DescriptorReserve}, which caps connections so that files keep some.
 *
 * @example
 * ```ts ignore
 * const loop = new AcceptLoop(Deno.listen({ port: 7777 }), { name, limits, log, serve, refuse });
 * await loop.stop();
 * ```
 */
export class AcceptLoop {
  readonly #listener: Deno.Listener;
  readonly #options: AcceptLoopOptions;
  readonly #served = new Set<Served>();
  readonly #running: Promise<void>;
  #stopped = false;
  #refusing = 0;
  /** Resolves when a refusal ends, while accepting waits for one to. */
  #refusalEnded: (() => void) | undefined;
  /** Ends the pause between failed accepts early, on stop. */
  #wake: (() => void) | undefined;

  constructor(listener: Deno.Listener, options: AcceptLoopOptions) {
    this.#listener = listener;
    this.#options = options;
    this.#running = this.#run();
  }

  /** The address listened on. */
  get addr(): Deno.NetAddr {
    return this.#listener.addr as Deno.NetAddr;
  }

  /** Stops accepting: closes the listener and resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    this.#wake?.();
    this.#refusalEnded?.();
    await this.#running;
  }

  /** Asks every served connection to finish (see {@linkcode Served.drain}). */
  drain(): void {
    for (const served of this.#served) served.drain?.();
  }

  /** Closes every served connection now. */
  closeAll(): void {
    for (const served of this.#served) served.close();
  }

  /** Resolves once every connection served so far is closed. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#served].map((served) => served.done));
  }

  async #run(): Promise<void> {
    const { name, log } = this.#options;
    let pauseMs = 0;
    while (!this.#stopped) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#stopped) return;
        if (isOutOfDescriptors(error)) this.#options.reserve?.exhausted();
        pauseMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, pauseMs * 2));
        log.note(
          `${name} accept`,
          () =>
            `${name}: could not accept a connection (${(error as Error).message}); pausing ` +
            "and retrying, without logging this again until it has not happened for 10 s",
        );
        await this.#pause(pauseMs);
        continue;
      }
      pauseMs = 0;
      if (this.#stopped) {
        close(conn);
        return;
      }
      this.#admit(conn);
      if (this.#refusing >= MAX_REFUSING) {
        await new Promise<void>((resolve) => this.#refusalEnded = resolve);
      }
    }
  }

  #admit(conn: Deno.Conn): void {
    const { limits, log, name } = this.#options;
    const address = (conn.remoteAddr as Deno.NetAddr).hostname;
    const refusal = limits.admit(address);
    if (refusal !== undefined) {
      log.note(`${name} refused`, () => `refused ${remoteOf(conn)}: ${refusal}`);
      return this.#refuse(conn, refusal);
    }
    let served: Served;
    try {
      served = this.#options.serve(conn);
    } catch (error) {
      limits.release(address);
      close(conn);
      log.note(`${name} serve`, () => `${name}: could not serve ${remoteOf(conn)}: ${error}`);
      return;
    }
    this.#served.add(served);
    this.#options.reserve?.afterAdmit();
    served.done.catch(() => {}).finally(() => {
      this.#served.delete(served);
      limits.release(address);
    });
  }

  #refuse(conn: Deno.Conn, reason: string): void {
    this.#refusing++;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      close(conn);
      this.#refusing--;
      const wake = this.#refusalEnded;
      this.#refusalEnded = undefined;
      wake?.();
    };
    const timer = setTimeout(end, REFUSAL_TIMEOUT_MS);
    this.#options.refuse(conn, reason).catch(() => {}).finally(end);
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function close(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
