import { assert, assertEquals } from "@std/assert";
import { encodeMessage } from "../../src/protocol/mod.ts";
import { concat, corpusMessages, FrameMutator, fuzzSeed, Prng } from "../protocol/_fuzz_frames.ts";
import { hasStackTrace, TestClient } from "./_helpers.ts";
import { startLimitedServer } from "./_limited_server.ts";

/** Frames the server must have read and answered on authenticated connections. */
const FRAMES_AFTER_HELLO = 100_000;
/** Frames sent to connections that never said a valid hello (most go unread: one is fatal). */
const FRAMES_BEFORE_HELLO = 10_000;
const TIME_LIMIT_MS = 40_000;
/** Every text the two real users send starts with this; no fuzz connection may see it. */
const CLASSIFIED = "classified-";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the fuzz connections did, and anything they saw that they must not have. */
interface FuzzTally {
  /** Frames followed by a pong: the server read and answered every one of them. */
  confirmed: number;
  /** Frames sent before any hello. */
  beforeHello: number;
  connections: number;
  /** Connections the server closed (quit, a fatal error) and that were replaced. */
  closedByServer: number;
  /** Error codes the fuzz connections got, counted. */
  codes: Map<string, number>;
  /** Broken promises: leaks, stalls. */
  violations: string[];
}

/** Checks everything a finished fuzz connection received. */
function inspect(client: TestClient, tally: FuzzTally, passkey: string): void {
  tally.connections++;
  for (const message of client.messages) {
    if (message.type === "error") {
      const code = String(message.code);
      tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
    }
    const text = JSON.stringify(message);
    if (text.includes(passkey)) tally.violations.push(`${client.label} got the passkey: ${text}`);
    if (text.includes(CLASSIFIED)) {
      tally.violations.push(`${client.label} got a message of room secret: ${text}`);
    }
  }
}

/**
 * One authenticated fuzz connection after another: each says a valid hello in the lobby, then
 * sends batches of fuzzed (but correctly framed) frames, each batch followed by a ping that
 * must be answered. Now and then a batch ends with a frame that breaks the framing, and the
 * connection is given up; so is one the server closes.
 */
async function fuzzAfterHello(
  port: number,
  worker: number,
  rng: Prng,
  options: { passkey: string; tally: FuzzTally; done: () => boolean },
): Promise<void> {
  const { passkey, tally } = options;
  const mutator = new FrameMutator(rng, corpusMessages({ quit: false }));
  for (let generation = 0; !options.done(); generation++) {
    const client = await TestClient.connect(port, `fuzz ${worker}.${generation}`);
    try {
      const welcome = await client.hello({ nick: `fz${worker}x${generation}`, passkey });
      if (welcome.type !== "welcome") {
        tally.violations.push(`${client.label} could not log in: ${JSON.stringify(welcome)}`);
        return;
      }
      for (let batch = 0; !options.done() && !client.closed; batch++) {
        const count = 1 + rng.int(40);
        const frames = Array.from({ length: count }, () => mutator.framed());
        const breaking = rng.chance(0.04);
        if (breaking) frames.push(mutator.frame());
        const rid = `sync-${batch}`;
        frames.push(encodeMessage({ type: "ping", rid }));
        const since = client.messages.length;
        const sent = await client.sendBytes(concat(frames)).then(() => true, () => false);
        if (!sent || breaking) break;
        const pong = await client.waitFor((m) => m.type === "pong" && m.rid === rid, {
          since,
          timeoutMs: 10_000,
          what: "the pong after a fuzz batch",
        }).catch((error: Error) => error);
        if (pong instanceof Error) {
          if (!client.closed) tally.violations.push(`${client.label} stalled: ${pong.message}`);
          tally.closedByServer++;
          break;
        }
        tally.confirmed += count;
      }
    } finally {
      await client.close();
      inspect(client, tally, passkey);
    }
  }
}

/** Connections from `localAddress` that send a few fuzzed frames without a valid hello. */
async function fuzzBeforeHello(
  port: number,
  localAddress: string,
  rng: Prng,
  options: { passkey: string; tally: FuzzTally; budget: () => boolean },
): Promise<void> {
  const mutator = new FrameMutator(rng, corpusMessages());
  while (options.budget()) {
    const client = await TestClient.connect(port, `pre-hello fuzz from ${localAddress}`, {
      localAddress,
    });
    try {
      const count = 1 + rng.int(6);
      options.tally.beforeHello += count;
      const frames = Array.from({ length: count }, () => mutator.frame());
      await client.sendBytes(concat(frames)).catch(() => {});
      await client.closeWrite();
      await client.waitForClose({ timeoutMs: 10_000 });
    } finally {
      await client.close();
      inspect(client, options.tally, options.passkey);
    }
  }
}

/** alice and bob take turns in room secret until `done()`; returns what each sent. */
async function converse(alice: TestClient, bob: TestClient, done: () => boolean) {
  const sent = new Map<TestClient, string[]>([[alice, []], [bob, []]]);
  for (let n = 0; !done(); n++) {
    const from = n % 2 === 0 ? alice : bob;
    const text = `${CLASSIFIED}${from.label}-${n}`;
    const reply = await from.send(text);
    assertEquals(reply.type, "ack", `${from.label}'s message ${n}: ${JSON.stringify(reply)}`);
    sent.get(from)!.push(text);
    await delay(20);
  }
  return sent;
}

Deno.test("the server survives 110,000 fuzzed frames on many connections while a room chats on", async () => {
  const seed = fuzzSeed();
  console.log(`fuzz e2e seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const rng = new Prng(seed);
  await using server = await startLimitedServer({
    extraArgs: [
      ...["--rate", "100000", "--burst", "100000"],
      ...["--max-connections-per-address", "10000"],
    ],
  });
  const passkey = server.passkey;
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey,
    room: "secret",
  });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey, room: "secret" });

  const tally: FuzzTally = {
    confirmed: 0,
    beforeHello: 0,
    connections: 0,
    closedByServer: 0,
    codes: new Map(),
    violations: [],
  };
  const started = performance.now();
  const overTime = () => performance.now() - started > TIME_LIMIT_MS;
  const afterDone = () => tally.confirmed >= FRAMES_AFTER_HELLO || overTime();
  const beforeBudget = () => tally.beforeHello < FRAMES_BEFORE_HELLO && !overTime();
  let fuzzing = true;
  const chat = converse(alice, bob, () => !fuzzing);
  chat.catch(() => {}); // Awaited below; a failure must not surface as an unhandled rejection.
  try {
    await Promise.all([
      ...Array.from(
        { length: 12 },
        (_, worker) =>
          fuzzAfterHello(server.port, worker, new Prng(rng.int(2 ** 32)), {
            passkey,
            tally,
            done: afterDone,
          }),
      ),
      // Other loopback addresses: their wrong passkeys lock out only themselves.
      ...Array.from(
        { length: 4 },
        (_, worker) =>
          fuzzBeforeHello(server.port, `127.0.0.${10 + worker}`, new Prng(rng.int(2 ** 32)), {
            passkey,
            tally,
            budget: beforeBudget,
          }),
      ),
    ]);
  } finally {
    fuzzing = false;
  }
  const sent = await chat;
  const elapsed = performance.now() - started;
  const codes = [...tally.codes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
  console.log(
    `${tally.confirmed} frames answered after hello, ${tally.beforeHello} sent before hello, ` +
      `${tally.connections} fuzz connections (${tally.closedByServer} closed by the server), ` +
      `${elapsed.toFixed(0)} ms; alice and bob sent ${sent.get(alice)!.length} and ${
        sent.get(bob)!.length
      }\n  errors: ${codes.join(", ")}`,
  );

  assertEquals(tally.violations.slice(0, 10), [], `${tally.violations.length} violations`);
  assert(!server.process.exited, "the server is still running");
  assert(tally.confirmed >= FRAMES_AFTER_HELLO, `only ${tally.confirmed} frames in time`);
  assert(elapsed < TIME_LIMIT_MS + 5000, `took ${elapsed.toFixed(0)} ms`);
  assertEquals(tally.codes.get("internal") ?? 0, 0, "no request made the server fail");

  // Every message of the real conversation arrived, once.
  for (const [from, to] of [[alice, bob], [bob, alice]]) {
    const texts = sent.get(from)!;
    await to.waitFor((m) => m.type === "message" && m.text === texts.at(-1));
    const received = to.messages.filter((m) => m.type === "message" && m.from === from.label);
    assertEquals(received.map((m) => m.text), texts, `${from.label} → ${to.label}`);
  }
  // And the server still takes new users.
  await using carol = await TestClient.join(server.port, { nick: "carol", passkey });
  await carol.ping();
  assert(!hasStackTrace(server.stderr.text), "no stack trace in the server log");
  const internal = server.stderr.lines.filter((line) => /internal error|failed:/.test(line));
  assertEquals(internal.slice(0, 5), [], "no internal error in the server log");
});
