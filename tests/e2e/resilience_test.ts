import { assert, assertEquals, assertMatch } from "@std/assert";
import {
  hasStackTrace,
  type JoinClient,
  type JsonEvent,
  makeTempDir,
  meaningfulLines,
  type Received,
  spawnJoin,
  startServer,
  TestClient,
  toJoinResult,
  unusedPort,
  withTimeout,
} from "./_helpers.ts";
import { encodeMessage } from "../../src/protocol/mod.ts";
import { CountingClient } from "./_counting_client.ts";
import {
  countText,
  crash,
  duplicateLiveIds,
  readFullHistory,
  restart,
  watchMemory,
} from "./_faults.ts";
import { TcpProxy } from "./_proxy.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isStatus(state: string): (event: JsonEvent) => boolean {
  return (event) => (event.type === "system" || event.type === "error") && event.event === state;
}

/** Waits until `client` has printed `count` events that `predicate` accepts since `since`. */
function waitForCount(
  client: JoinClient,
  predicate: (event: JsonEvent) => boolean,
  options: { count: number; since: number; what: string; timeoutMs?: number },
): Promise<void> {
  return client.process.stdout.until(
    () => client.events.slice(options.since).filter(predicate).length >= options.count || undefined,
    { what: options.what, timeoutMs: options.timeoutMs, context: () => client.process.describe() },
  ).then(() => {});
}

/** Live (not replayed) events of `client` with id `id`. */
function liveWithId(client: JoinClient, id: unknown): JsonEvent[] {
  return client.events.filter((e) => e.id === id && e.history !== true);
}

/** A server on a fixed port and data dir that is stopped (and its dir removed) on dispose. */
async function restartableServer(passkey: string) {
  const dir = await makeTempDir();
  const options = { port: unusedPort(), dataDir: dir.path, passkey, quiet: true };
  let server;
  try {
    server = await startServer(options);
  } catch (error) {
    await dir[Symbol.asyncDispose]();
    throw error;
  }
  const fixture = {
    server,
    options,
    async [Symbol.asyncDispose]() {
      await fixture.server.stop({ timeoutMs: 3_000 });
      await dir[Symbol.asyncDispose]();
    },
  };
  return fixture;
}

// ---------------------------------------------------------------------------------------------
// 1. Crash loop

interface Outgoing {
  rid: string;
  text: string;
}

/** A user who keeps sending and, after a lost connection, resends what was not acknowledged. */
class CrashSender {
  readonly nick: string;
  /** Sent (or about to be) and not acknowledged yet. */
  readonly pending: Outgoing[] = [];
  /** Text → the id of its `ack`. */
  readonly acked = new Map<string, number>();
  /** The session's resume token: resends are recognised only within the session (PROTOCOL 2.1). */
  resume: string | undefined;
  #next = 0;

  constructor(nick: string) {
    this.nick = nick;
  }

  /** Logs in, resuming the session after the first time, as a reconnecting client does. */
  async join(port: number, passkey: string, room: string): Promise<TestClient> {
    const client = await TestClient.join(port, {
      nick: this.nick,
      passkey,
      room,
      resume: this.resume,
    });
    const welcome = client.messages.find((message) => message.type === "welcome");
    this.resume = String(welcome?.resume);
    return client;
  }

  /**
   * Sends with `window` requests in flight until the connection ends; with `fresh` false only
   * the pending ones, until none is left.
   */
  async run(client: TestClient, options: { fresh: boolean; window: number }): Promise<void> {
    const worker = async () => {
      while (!client.closed) {
        const item = this.pending.shift() ?? (options.fresh ? this.#make() : undefined);
        if (item === undefined) return;
        let reply: Received;
        try {
          reply = await client.request({ type: "send", rid: item.rid, text: item.text }, {
            timeoutMs: 10_000,
          });
        } catch (error) {
          this.pending.push(item);
          // A write can fail before the reader has seen the end: then the end follows soon.
          await client.waitForClose({ timeoutMs: 5_000 }).catch(() => Promise.reject(error));
          return;
        }
        if (reply.type === "error" && reply.code === "rate_limited") {
          this.pending.push(item);
          await sleep(100);
          continue;
        }
        if (reply.type !== "ack") throw new Error(`${this.nick}: ${JSON.stringify(reply)}`);
        const before = this.acked.get(item.text);
        if (before !== undefined && before !== reply.id) {
          throw new Error(`${item.rid} was acknowledged as ${before} and then as ${reply.id}`);
        }
        this.acked.set(item.text, reply.id as number);
      }
    };
    await Promise.all(Array.from({ length: options.window }, worker));
  }

  #make(): Outgoing {
    const n = this.#next++;
    return { rid: `${this.nick}-m${n}`, text: `${this.nick} says ${n} (${crypto.randomUUID()})` };
  }
}

Deno.test("every acknowledged message survives three server crashes exactly once, in id order", async () => {
  const room = "crashes";
  await using fixture = await restartableServer("crash-loop-passkey");
  const { options } = fixture;
  const { passkey } = options;
  const senders = ["ana", "ben", "cai"].map((nick) => new CrashSender(nick));
  const delays: number[] = [];
  /** Messages without an ack at each crash, resent after it. */
  const inFlight: number[] = [];
  const joinAll = () => Promise.all(senders.map((s) => s.join(options.port, passkey, room)));

  for (let round = 0; round < 3; round++) {
    const clients = await joinAll();
    try {
      const sending = Promise.all(
        senders.map((sender, i) => sender.run(clients[i], { fresh: true, window: 3 })),
      );
      // Awaited below; until then a failure must not count as unhandled.
      sending.catch(() => {});
      const delay = 50 + Math.floor(Math.random() * 250);
      delays.push(delay);
      // A random moment in the middle of the traffic is the point of this test.
      await sleep(delay);
      await crash(fixture.server);
      await withTimeout(sending, { what: `the senders to stop after crash ${round + 1}` });
      inFlight.push(senders.reduce((sum, sender) => sum + sender.pending.length, 0));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    fixture.server = await restart(options);
  }

  // What was in flight at a crash goes again under the same rid, as a client would resend it.
  const clients = await joinAll();
  try {
    await withTimeout(
      Promise.all(senders.map((s, i) => s.run(clients[i], { fresh: false, window: 3 }))),
      { what: "the resends after the last restart" },
    );
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  await using reader = await TestClient.join(options.port, { nick: "reader", passkey, room });
  const history = (await readFullHistory(reader)).filter((m) => m.type === "message");

  const report = `crash delays ${delays.join(", ")} ms; in flight ${inFlight.join(", ")}; acked ${
    senders.map((s) => `${s.nick}: ${s.acked.size}`).join(", ")
  }; ${history.length} messages in history`;
  for (const sender of senders) assertEquals(sender.pending, [], report);
  const ids = history.map((m) => m.id as number);
  assertEquals(ids, [...ids].sort((a, b) => a - b), `history in id order; ${report}`);
  const texts = history.map((m) => m.text as string);
  const repeated = texts.filter((text, i) => texts.indexOf(text) !== i);
  assertEquals(repeated, [], `no text twice; ${report}`);
  const acked = senders.flatMap((s) => [...s.acked].map(([text, id]) => ({ id, text })))
    .sort((a, b) => a.id - b.id);
  assert(acked.length >= 30, `enough traffic to mean something; ${report}`);
  // Everything was acknowledged in the end, so history is exactly the acknowledged messages.
  assertEquals(history.map((m) => ({ id: m.id, text: m.text })), acked, report);
  console.log(report);
});

// ---------------------------------------------------------------------------------------------
// 2. Network faults through a proxy

/** A direct TestClient and a `chat join --json` that reaches the server through a proxy. */
async function proxiedPair() {
  const server = await startServer({ quiet: true });
  const proxy = TcpProxy.start(server.port);
  const direct = await TestClient.join(server.port, { nick: "direct", passkey: server.passkey });
  const cut = spawnJoin([`127.0.0.1:${proxy.port}`, "--nick", "cut", "--json"], {
    passkey: server.passkey,
  });
  return {
    server,
    proxy,
    direct,
    cut,
    async [Symbol.asyncDispose]() {
      await cut[Symbol.asyncDispose]();
      await direct.close();
      await proxy.close();
      await server.stop({ timeoutMs: 3_000 });
    },
  };
}

/**
 * After an outage: `direct` got each of `lines` once, `cut` showed `missed` (sent by `direct`
 * during the outage) once, live, and no event id twice. Barriers both ways first, so late
 * duplicates would have arrived.
 */
async function assertNoGapNoDuplicate(
  pair: { direct: TestClient; cut: JoinClient },
  options: { lines: string[]; missed: Received; tag: string },
): Promise<void> {
  const { direct, cut } = pair;
  const { lines, missed, tag } = options;
  await direct.waitUntil((messages) => lines.every((line) => countText(messages, line) >= 1), {
    what: `the lines typed during the ${tag}`,
  });
  await cut.waitFor((e) => e.id === missed.id, { what: `direct's message sent during the ${tag}` });
  const barrier = await direct.send(`barrier after the ${tag}`);
  await cut.waitFor((e) => e.id === barrier.id, { what: "direct's barrier" });
  await cut.write(`cut's barrier after the ${tag}`);
  await direct.waitFor((m) => m.text === `cut's barrier after the ${tag}`);

  const report = `${cut.process.describe()}\ndirect:\n${direct.describe()}`;
  for (const line of lines) {
    assertEquals(countText(direct.messages, line), 1, `"${line}" reached direct once\n${report}`);
    const shown = cut.events.filter((e) => e.type === "message" && e.text === line);
    assertEquals(shown.length, 1, `cut shows its own "${line}" once\n${report}`);
  }
  assertEquals(liveWithId(cut, missed.id).length, 1, `the missed message once, live\n${report}`);
  assertEquals(duplicateLiveIds(cut.events), [], `no event id twice\n${report}`);
  assertEquals(cut.events.filter((e) => e.type === "error"), [], report);
}

Deno.test("chat join rides out cut connections without losing or repeating a message", async () => {
  await using pair = await proxiedPair();
  const { proxy, direct, cut } = pair;
  await cut.ready();
  const since = cut.mark();
  // The server seems to be down: every new connection through the proxy is closed at once.
  proxy.refuse(true);
  proxy.dropAll();
  await cut.waitFor(isStatus("reconnecting"), { since, what: "the reconnecting status" });
  const lines = ["first line typed during the cut", "second line typed during the cut"];
  for (const line of lines) await cut.write(line);
  const missed = await direct.send("direct speaks during the cut");
  assertEquals(missed.type, "ack");
  // A second failed attempt: the client stayed disconnected while it read the lines.
  await waitForCount(cut, isStatus("reconnecting"), {
    count: 2,
    since,
    what: "a second reconnecting status",
  });
  assertEquals(lines.map((line) => countText(direct.messages, line)), [0, 0], "queued meanwhile");
  proxy.refuse(false);
  await cut.waitFor(isStatus("reconnected"), { since, what: "the reconnected status" });
  await assertNoGapNoDuplicate({ direct, cut }, { lines, missed, tag: "cut" });
});

Deno.test("chat join notices a silent link within 15 s and catches up after it", async () => {
  await using pair = await proxiedPair();
  const { proxy, direct, cut } = pair;
  await cut.ready();
  const since = cut.mark();
  proxy.blackhole(true);
  const start = Date.now();
  // Delivered by the server into the dead link: only a catch-up can bring it to cut.
  const missed = await direct.send("direct speaks into the silence");
  const lines = ["first line typed into the silence", "second line typed into the silence"];
  for (const line of lines) await cut.write(line);
  const reconnecting = await cut.waitFor(isStatus("reconnecting"), {
    since,
    what: "the reconnecting status after the link went silent",
    timeoutMs: 20_000,
  });
  const noticedMs = Date.now() - start;
  assert(noticedMs <= 15_000, `noticed after ${noticedMs} ms: ${JSON.stringify(reconnecting)}`);
  proxy.blackhole(false);
  await cut.waitFor(isStatus("reconnected"), { since, what: "the reconnected status" });
  await assertNoGapNoDuplicate({ direct, cut }, { lines, missed, tag: "silence" });
});

// ---------------------------------------------------------------------------------------------
// 3. Slow consumer

Deno.test("a client that never reads is dropped past 8 MiB while 50 others get everything fast", async () => {
  await using server = await startServer();
  const { passkey } = server;
  const room = "busy";
  const memory = watchMemory(server.process.pid);
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const clients: CountingClient[] = [];
  try {
    await stalled.write(encodeMessage({ type: "hello", v: 1, nick: "stalled", passkey, room }));
    await server.stderr.match(/stalled connected/);
    for (let i = 0; i < 50; i += 10) {
      clients.push(
        ...await Promise.all(
          Array.from(
            { length: 10 },
            (_, j) => CountingClient.join(server.port, { nick: `user${i + j}`, passkey, room }),
          ),
        ),
      );
    }
    // 16 × 300 messages of 4,096 bytes: 19.7 MB toward the stalled client, which holds only a
    // few MB in socket buffers, so its queue passes 8 MiB.
    const senders = clients.slice(0, 16);
    const perSender = 300;
    // 60 a second each stays within the server's default rate limit (50/s with a burst of 200).
    const intervalMs = 1000 / 60;
    const sentAt = new Map<string, number>();
    const start = performance.now();
    await Promise.all(senders.map(async (sender, s) => {
      const acked = () => sender.control.filter((m) => m.type === "ack").length;
      for (let i = 0; i < perSender; i++) {
        const wait = start + i * intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
        const tag = `s${s}-m${i}`;
        const text = `${tag} ${"x".repeat(4096 - tag.length - 1)}`;
        sentAt.set(tag, performance.now());
        await sender.send({ type: "send", rid: tag, text });
      }
      await sender.waitUntil(() => acked() === perSender, { what: "every ack", timeoutMs: 20_000 });
    }));
    const total = senders.length * perSender;
    await Promise.all(
      clients.map((client, c) =>
        client.waitUntil(
          () => client.received.size === (c < senders.length ? total - perSender : total),
          {
            what: "every message of the others",
            timeoutMs: 20_000,
          },
        )
      ),
    );

    let worstMs = 0;
    for (const client of clients) {
      assertEquals(client.duplicates, [], `${client.nick} received nothing twice`);
      assertEquals(client.control.filter((m) => m.type === "error" || m.type === "bye"), []);
      for (const [tag, at] of client.received) worstMs = Math.max(worstMs, at - sentAt.get(tag)!);
    }
    assert(worstMs < 2_000, `slowest delivery took ${Math.round(worstMs)} ms`);

    await server.stderr.match(/stalled dropped: too slow/, { timeoutMs: 5_000 });
    // Once it reads, the stalled client gets what the socket buffers held, then the end.
    const drained = (async () => {
      const buffer = new Uint8Array(1 << 20);
      try {
        while (await stalled.read(buffer) !== null);
      } catch {
        // A reset ends it too.
      }
    })();
    await withTimeout(drained, { what: "the stalled connection to end", timeoutMs: 10_000 });
    const peak = await memory.stop();
    assert(peak > 0, "the server's memory could be read");
    assert(peak < 300 * 1024 * 1024, `server RSS peaked at ${(peak / 1048576).toFixed(0)} MB`);
    console.log(
      `slow consumer: worst delivery ${Math.round(worstMs)} ms, server RSS peak ${
        (peak / 1048576).toFixed(0)
      } MB`,
    );
  } finally {
    await memory.stop();
    try {
      stalled.close();
    } catch {
      // Closed by the server and read to its end.
    }
    await Promise.all(clients.map((client) => client.close()));
  }
});

// ---------------------------------------------------------------------------------------------
// 4. Shutdown

Deno.test("SIGTERM says shutting down to every client, exits 0 within 5 s, and clients come back", async () => {
  await using fixture = await restartableServer("shutdown-passkey");
  const { options } = fixture;
  const address = fixture.server.address;
  const passkey = options.passkey;
  await using once = spawnJoin([address, "--nick", "once", "--json", "--no-reconnect"], {
    passkey,
  });
  await using again = spawnJoin([address, "--nick", "again", "--json"], { passkey });
  await Promise.all([once.ready(), again.ready()]);
  const since = again.mark();

  const start = performance.now();
  const stopped = await fixture.server.stop({ signal: "SIGTERM", timeoutMs: 5_000 });
  const tookMs = performance.now() - start;
  const serverReport = fixture.server.process.describe();
  assert(!stopped.forced, `the server exits on SIGTERM within 5 s\n${serverReport}`);
  assertEquals(stopped.status.code, 0, serverReport);
  assert(tookMs < 5_000, `took ${Math.round(tookMs)} ms`);

  const onceResult = toJoinResult(once.process, await once.process.wait({ timeoutMs: 5_000 }));
  const onceReport = once.process.describe();
  assertEquals(onceResult.code, 1, onceReport);
  assert(
    [...onceResult.stdout, ...onceResult.stderrLines].some((l) => /shutting down/i.test(l)),
    onceReport,
  );
  assertEquals(meaningfulLines(onceResult.stderrLines).length, 1, onceReport);
  assert(!hasStackTrace(onceResult.stderr), onceReport);

  const reconnecting = await again.waitFor(isStatus("reconnecting"), { since });
  assertMatch(reconnecting.text ?? "", /shutting down/i);
  fixture.server = await restart(options);
  await again.waitFor(isStatus("reconnected"), { since, timeoutMs: 20_000 });
  await using witness = await TestClient.join(options.port, { nick: "witness", passkey });
  await again.write("back after the restart");
  await witness.waitFor((m) => m.type === "message" && m.text === "back after the restart");
  assert(!again.process.exited, again.process.describe());
});

// ---------------------------------------------------------------------------------------------
// 5. Rotated passkey

Deno.test("after a restart with a new passkey chat join stops retrying and exits 3", async () => {
  await using fixture = await restartableServer("the-old-passkey");
  const { options } = fixture;
  const address = fixture.server.address;
  const passkey = options.passkey;
  await using plain = spawnJoin([address, "--nick", "plain"], { passkey });
  await using json = spawnJoin([address, "--nick", "jsonic", "--json"], { passkey });
  await plain.process.stdout.match(/Connected as plain/);
  await json.ready();

  await crash(fixture.server);
  fixture.server = await restart({ ...options, passkey: "the-new-passkey", quiet: false });
  const problems: string[] = [];
  for (const client of [plain, json]) {
    const status = await client.process.wait({ timeoutMs: 20_000 });
    const result = toJoinResult(client.process, status);
    const lines = meaningfulLines(result.stderrLines);
    if (
      result.code !== 3 || lines.length !== 1 || !/passkey/i.test(lines[0]) ||
      hasStackTrace(result.stderr)
    ) {
      problems.push(
        `exit code ${result.code}, ${lines.length} stderr lines:\n${client.process.describe()}`,
      );
    }
  }
  assertEquals(problems, [], "each exits 3 with one stderr line about the passkey");
  // Whether --json also prints the reason on stdout is the client's choice; if so, as an error.
  for (const event of json.events.filter(isStatus("gave_up"))) {
    assertEquals(event.type, "error", json.process.describe());
  }
  // One refused attempt each: nobody kept knocking.
  await sleep(1_000);
  const failures = fixture.server.stderr.lines.filter((l) => /auth failure/.test(l));
  assertEquals(failures.length, 2, fixture.server.process.describe());
});

// ---------------------------------------------------------------------------------------------
// 6. SIGKILL with clients connected

Deno.test("after a SIGKILL and restart chat join resumes on its own and nothing acknowledged is lost", async () => {
  await using fixture = await restartableServer("sigkill-passkey");
  const { options } = fixture;
  const passkey = options.passkey;
  await using resumer = spawnJoin([fixture.server.address, "--nick", "resumer", "--json"], {
    passkey,
  });
  await resumer.ready();
  const acknowledged: { text: string; id: number }[] = [];
  {
    await using witness = await TestClient.join(options.port, { nick: "witness", passkey });
    for (let i = 0; i < 3; i++) {
      const text = `resumer before the crash ${i}`;
      await resumer.write(text);
      const shown = await resumer.waitFor((e) => e.from === "resumer" && e.text === text);
      acknowledged.push({ text, id: shown.id! });
      const ack = await witness.send(`witness before the crash ${i}`);
      acknowledged.push({ text: `witness before the crash ${i}`, id: ack.id as number });
    }
    const since = resumer.mark();
    await crash(fixture.server);
    await resumer.waitFor(isStatus("reconnecting"), { since });
    fixture.server = await restart(options);
  }
  const since = resumer.mark();
  await using witness = await TestClient.join(options.port, { nick: "witness2", passkey });
  // Either a catch-up or live delivery brings it, whichever comes first, but only once.
  const meanwhile = await witness.send("witness while resumer reconnects");
  await resumer.waitFor(isStatus("reconnected"), { since, timeoutMs: 20_000 });
  await resumer.write("resumer after resuming");
  await witness.waitFor((m) => m.type === "message" && m.text === "resumer after resuming");
  await resumer.waitFor((e) => e.id === meanwhile.id);

  const report = resumer.process.describe();
  assertEquals(liveWithId(resumer, meanwhile.id).length, 1, report);
  assertEquals(duplicateLiveIds(resumer.events), [], report);
  const history = await readFullHistory(witness);
  for (const { text, id } of acknowledged) {
    const found = history.filter((m) => m.type === "message" && m.text === text);
    assertEquals(found.map((m) => m.id), [id], `"${text}" is in history once with its id`);
  }
});

// ---------------------------------------------------------------------------------------------
// 7. End of piped input during an outage

Deno.test("at the end of piped input chat join waits out an outage, delivers everything, exits 0", async () => {
  await using fixture = await restartableServer("outage-passkey");
  const { options } = fixture;
  const passkey = options.passkey;
  await using piped = spawnJoin([fixture.server.address, "--nick", "piped", "--json"], { passkey });
  await piped.ready();
  const since = piped.mark();
  await crash(fixture.server);
  await piped.waitFor(isStatus("reconnecting"), { since });
  const lines = ["typed while the server was down", "and the last line before the end"];
  for (const line of lines) await piped.write(line);
  await piped.process.closeStdin();
  fixture.server = await restart(options);
  const result = await piped.close({ timeoutMs: 20_000 });
  assertEquals(result.code, 0, piped.process.describe());
  await using reader = await TestClient.join(options.port, { nick: "reader", passkey });
  const history = await readFullHistory(reader);
  assertEquals(lines.map((line) => countText(history, line)), [1, 1], reader.describe());
});
