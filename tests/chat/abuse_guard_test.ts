import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import {
  Hub,
  PasskeyChecker,
  PasskeyGuard,
  type PasskeyTurn,
  Session,
} from "../../src/chat/mod.ts";
import { type ClientMessage, ProtocolError } from "../../src/protocol/mod.ts";
import {
  LocalEventLog,
  MemoryBlobStore,
  MemoryHistoryStore,
  MemoryIdentityStore,
  MemoryModerationStore,
  MemoryReadMarkerStore,
  MemoryRegistry,
  MemorySessionStore,
} from "../../src/store/mod.ts";
import { PASSKEY, SERVER } from "./_chat.ts";
import { FakePeer } from "./_fake_peer.ts";
import { type GuardedChat, ManualClock, startGuardedChat, type Visitor } from "./_guarded_chat.ts";

const A = "192.0.2.7";
const B = "192.0.2.8";

/** Records `count` wrong passkeys from `address` and returns the lockout of each. */
function fail(guard: PasskeyGuard, address: string, count: number): number[] {
  return Array.from({ length: count }, () => guard.failed(address));
}

// PasskeyGuard

Deno.test("PasskeyGuard lets four wrong passkeys through, then the fifth locks the address out for 2 s", () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ now: clock.now });
  assertEquals(fail(guard, A, 4), [0, 0, 0, 0]);
  assertEquals(guard.blockedFor(A), 0, "free failures lock nothing");
  assertEquals(guard.failed(A), 2000);
  assertEquals(guard.blockedFor(A), 2000);
  clock.advance(1500);
  assertEquals(guard.blockedFor(A), 500, "the lockout counts down");
  clock.advance(500);
  assertEquals(guard.blockedFor(A), 0, "and ends on time");
});

Deno.test("PasskeyGuard doubles each further lockout: 2 s, 4 s, 8 s, 16 s", () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ now: clock.now });
  fail(guard, A, 4);
  const lockouts: number[] = [];
  for (let i = 0; i < 4; i++) {
    lockouts.push(guard.failed(A));
    clock.advance(guard.blockedFor(A));
  }
  assertEquals(lockouts, [2000, 4000, 8000, 16000]);
});

Deno.test("PasskeyGuard never locks out longer than 10 minutes, however many failures", () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ now: clock.now });
  const lockouts = fail(guard, A, 2000);
  assertEquals(lockouts.slice(4, 13), [2, 4, 8, 16, 32, 64, 128, 256, 512].map((s) => s * 1000));
  assertEquals(lockouts.at(13), 600_000, "capped at the 10th lockout");
  assert(lockouts.slice(4).every((ms) => ms > 0 && ms <= 600_000), "all within the cap");
  assertEquals(lockouts.at(-1), 600_000, "2 ** 1994 does not overflow into something odd");
  assertEquals(guard.blockedFor(A), 600_000);
});

Deno.test("PasskeyGuard honours freeFailures, baseDelayMs and maxDelayMs", () => {
  const guard = new PasskeyGuard({
    freeFailures: 1,
    baseDelayMs: 100,
    maxDelayMs: 350,
    now: new ManualClock().now,
  });
  assertEquals(fail(guard, A, 5), [0, 100, 200, 350, 350]);
});

Deno.test("PasskeyGuard counts each address on its own", () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ now: clock.now });
  fail(guard, A, 7);
  assert(guard.blockedFor(A) > 0);
  assertEquals(guard.blockedFor(B), 0, "another address is not locked out");
  assertEquals(fail(guard, B, 4), [0, 0, 0, 0], "and has its own free failures");
  assertEquals(guard.failed(B), 2000, "and its own first lockout");
  assertEquals(guard.blockedFor("2001:db8::7"), 0);
});

Deno.test("PasskeyGuard forgets an address's failures once it gets the passkey right", () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ now: clock.now });
  fail(guard, A, 6);
  clock.advance(guard.blockedFor(A));
  guard.succeeded(A);
  assertEquals(guard.blockedFor(A), 0);
  assertEquals(fail(guard, A, 5), [0, 0, 0, 0, 2000], "free failures again, then 2 s again");
});

Deno.test("PasskeyGuard forgets an address idle for twice the longest lockout", () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ maxDelayMs: 10_000, now: clock.now });
  fail(guard, A, 6); // locked out for 4 s
  clock.advance(20_000);
  guard.failed(B); // any failure sweeps idle addresses
  assertEquals(guard.failed(A), 4000 * 2, "not yet idle for more than 20 s: doubling goes on");

  clock.advance(20_001);
  guard.failed(B);
  assertEquals(fail(guard, A, 5), [0, 0, 0, 0, 2000], "forgotten: A starts afresh");
});

/** Lets every promise chain that is already resolvable run to its end. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await null;
}

Deno.test("PasskeyGuard.turn() admits five comparisons at once from one address and holds the rest", async () => {
  const guard = new PasskeyGuard({ now: new ManualClock().now });
  const turns = Array.from({ length: 100 }, () => guard.turn(A));
  const ready: PasskeyTurn[] = [];
  for (const turn of turns) turn.then((t) => typeof t !== "number" && ready.push(t));
  await flushMicrotasks();
  assertEquals(ready.length, 5, "four free failures and the one that locks");
  const other = await guard.turn(B);
  assert(typeof other !== "number", "another address is not held back");
  assertEquals(ready.splice(0).map((turn) => turn.settle(false)), [0, 0, 0, 0, 2000]);
  const outcomes = await Promise.all(turns.slice(5));
  assert(outcomes.every((outcome) => outcome === 2000), "the rest are told of the lockout");
});

Deno.test("PasskeyGuard.turn() admits one comparison at a time once lockouts have begun", async () => {
  const clock = new ManualClock();
  const guard = new PasskeyGuard({ now: clock.now });
  fail(guard, A, 5);
  clock.advance(guard.blockedFor(A));
  const turns = Array.from({ length: 50 }, () => guard.turn(A));
  const ready: PasskeyTurn[] = [];
  for (const turn of turns) turn.then((t) => typeof t !== "number" && ready.push(t));
  await flushMicrotasks();
  assertEquals(ready.length, 1);
  assertEquals(ready[0].settle(false), 4000);
  assertEquals(new Set(await Promise.all(turns.slice(1))), new Set([4000]));
});

Deno.test("PasskeyGuard.turn() lets every waiting turn through while passkeys match", async () => {
  const guard = new PasskeyGuard({ now: new ManualClock().now });
  const granted = await Promise.all(Array.from({ length: 30 }, async () => {
    const turn = await guard.turn(A);
    if (typeof turn === "number") return turn;
    await null;
    turn.settle(true);
    return turn;
  }));
  assert(granted.every((turn) => typeof turn !== "number"), "nobody is refused");
  assertEquals(guard.blockedFor(A), 0);
  assertEquals((granted[0] as PasskeyTurn).settle(false), 0, "a turn settles once");
});

// Sessions: the limits as a client meets them

type Hello = Extract<ClientMessage, { type: "hello" }>;

function hello(fields: Partial<Hello> = {}): Hello {
  return { type: "hello", v: 1, nick: "mallory", passkey: PASSKEY, ...fields };
}

/** Says `hello` and returns the error it was refused with. */
async function refusal(visitor: Visitor, message: Hello): Promise<ProtocolError> {
  return await assertRejects(() => visitor.handle(message), ProtocolError);
}

Deno.test("Session: five wrong passkeys from one address lock out even the right one", async () => {
  const chat = await startGuardedChat();
  for (let i = 1; i <= 5; i++) {
    const error = await refusal(chat.open(`${A}:${50_000 + i}`), hello({ passkey: `guess${i}` }));
    assertEquals([error.code, error.fatal], ["bad_passkey", true], `guess ${i}`);
  }
  const error = await refusal(chat.open(`${A}:50100`), hello());
  assertEquals([error.code, error.fatal], ["locked_out", true]);
  assertMatch(error.message, /try again in 2 s/);
  assertEquals(chat.log.filter((line) => line.includes("locked out")), [
    `auth failure from ${A}:50005: wrong passkey; address locked out for 2 s`,
  ]);
});

Deno.test("Session: a locked-out address does not lock out the right passkey elsewhere", async () => {
  const chat = await startGuardedChat();
  for (let i = 0; i < 7; i++) await refusal(chat.open(`${A}:4000${i}`), hello({ passkey: "x" }));
  const other = chat.open(`${B}:40000`);
  await other.handle(hello({ nick: "alice" }));
  assertEquals(other.take()[0].type, "welcome");
  const v6 = chat.open("[2001:db8::1]:40000");
  await v6.handle(hello({ nick: "bob" }));
  assertEquals(v6.take()[0].type, "welcome");
});

Deno.test("Session: sessions already logged in from a locked-out address keep working", async () => {
  const chat = await startGuardedChat();
  const alice = await chat.connect(`${A}:1111`, "alice");
  const bob = await chat.connect(`${B}:2222`, "bob");
  for (let i = 0; i < 8; i++) await refusal(chat.open(`${A}:3000${i}`), hello({ passkey: "x" }));
  alice.take();
  bob.take();
  await alice.handle({ type: "send", rid: "r1", text: "still here" });
  assertEquals(alice.take().map((m) => m.type), ["ack"]);
  assert(bob.take().some((m) => m.type === "message" && m.text === "still here"));
});

Deno.test("Session: hellos during a lockout are refused without lengthening it", async () => {
  const chat = await startGuardedChat();
  for (let i = 0; i < 5; i++) await refusal(chat.open(`${A}:${i}`), hello({ passkey: "x" }));
  for (let i = 0; i < 20; i++) {
    const error = await refusal(chat.open(`${A}:${100 + i}`), hello({ passkey: "x" }));
    assertEquals(error.code, "locked_out");
  }
  chat.clock.advance(2000);
  await refusal(chat.open(`${A}:200`), hello({ passkey: "x" }));
  const error = await refusal(chat.open(`${A}:201`), hello());
  assertMatch(error.message, /try again in 4 s/, "the 6th counted failure: 4 s, not more");
});

/** Says `hello` from each of `count` new connections of `address` at once; their outcomes. */
async function helloStorm(
  chat: GuardedChat,
  address: string,
  messages: Hello[],
): Promise<string[]> {
  const visitors = messages.map((_, i) => chat.open(`${address}:${40_000 + i}`));
  return await Promise.all(visitors.map(async (visitor, i) => {
    try {
      await visitor.handle(messages[i]);
      return visitor.take()[0].type;
    } catch (error) {
      return (error as ProtocolError).code;
    }
  }));
}

/** How many times each outcome occurs. */
function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

Deno.test("Session: 100 wrong passkeys at once from one address get 5 comparisons, then locked_out", async () => {
  const chat = await startGuardedChat();
  const guesses = Array.from({ length: 100 }, (_, i) => hello({ passkey: `guess${i}` }));
  assertEquals(tally(await helloStorm(chat, A, guesses)), { bad_passkey: 5, locked_out: 95 });
  assertEquals(chat.log.filter((line) => line.includes("wrong passkey")).length, 5, "compared");

  chat.clock.advance(2000);
  const more = Array.from({ length: 50 }, (_, i) => hello({ passkey: `again${i}` }));
  assertEquals(tally(await helloStorm(chat, A, more)), { bad_passkey: 1, locked_out: 49 });
  assertEquals(chat.log.filter((line) => line.includes("wrong passkey")).length, 6);
});

Deno.test("Session: locked_out and rate_limited say when to try again in retry_after_ms", async () => {
  const chat = await startGuardedChat({ rate: { perSecond: 2, burst: 1 } });
  for (let i = 0; i < 5; i++) await refusal(chat.open(`${A}:${i}`), hello({ passkey: "x" }));
  chat.clock.advance(500);
  const locked = await refusal(chat.open(`${A}:99`), hello());
  assertEquals([locked.code, locked.retryAfterMs], ["locked_out", 1500]);
  const alice = await chat.connect(`${B}:1`, "alice");
  await alice.handle({ type: "who" });
  const limited = await assertRejects(() => alice.handle({ type: "who" }), ProtocolError);
  assertEquals([limited.code, limited.retryAfterMs], ["rate_limited", 500]);
});

Deno.test("Session: 30 right passkeys at once from one address (a class behind NAT) all get in", async () => {
  const chat = await startGuardedChat();
  const students = Array.from({ length: 30 }, (_, i) => hello({ nick: `student${i}` }));
  assertEquals(tally(await helloStorm(chat, A, students)), { welcome: 30 });
});

Deno.test("Session: after the lockout the right passkey works and clears the count", async () => {
  const chat = await startGuardedChat();
  for (let i = 0; i < 5; i++) await refusal(chat.open(`${A}:${i}`), hello({ passkey: "x" }));
  chat.clock.advance(2000);
  const alice = chat.open(`${A}:99`);
  await alice.handle(hello({ nick: "alice" }));
  assertEquals(alice.take()[0].type, "welcome");
  for (let i = 0; i < 5; i++) {
    const error = await refusal(chat.open(`${A}:${300 + i}`), hello({ passkey: "x" }));
    assertEquals(error.code, "bad_passkey", "five wrong passkeys compared again");
  }
});

Deno.test("Session: a request beyond the rate gets rate_limited and is not carried out", async () => {
  const chat = await startGuardedChat({ rate: { perSecond: 1, burst: 3 } });
  const alice = await chat.connect(`${A}:1`, "alice");
  const bob = await chat.connect(`${B}:1`, "bob");
  const welcome = alice.take().find((m) => m.type === "welcome");
  assertEquals(welcome?.type === "welcome" && welcome.rate, { per_second: 1, burst: 3 });
  bob.take();
  for (let i = 1; i <= 3; i++) await alice.handle({ type: "send", rid: `s${i}`, text: `m${i}` });
  const stored = await chat.history.count();
  const error = await assertRejects(
    () => alice.handle({ type: "send", rid: "s4", text: "m4" }),
    ProtocolError,
  );
  assertEquals([error.code, error.fatal], ["rate_limited", false]);
  assertMatch(error.message, /1 requests a second/);
  assertEquals(await chat.history.count(), stored, "the refused message is not stored");
  assertEquals(
    bob.take().filter((m) => m.type === "message").map((m) => m.type === "message" && m.text),
    ["m1", "m2", "m3"],
    "nor delivered",
  );
  const ping = await assertRejects(() => alice.handle({ type: "ping", rid: "p" }), ProtocolError);
  assertEquals(ping.code, "rate_limited", "every request type counts");
  await alice.handle({ type: "pong" }); // answers to the server's pings never do
  chat.clock.advance(1000);
  await alice.handle({ type: "send", rid: "s5", text: "m5" });
  assertEquals(alice.take().filter((m) => m.type === "ack").map((m) => m.rid), [
    "s1",
    "s2",
    "s3",
    "s5",
  ]);
});

Deno.test("Session: each connection has its own rate limit", async () => {
  const chat = await startGuardedChat({ rate: { perSecond: 1, burst: 2 } });
  const first = await chat.connect(`${A}:1`, "alice");
  const second = await chat.connect(`${A}:2`, "alice2");
  for (let i = 0; i < 2; i++) await first.handle({ type: "ping" });
  await assertRejects(() => first.handle({ type: "ping" }), ProtocolError);
  await second.handle({ type: "ping", rid: "p" });
  assertEquals(second.take().at(-1), { type: "pong", rid: "p" });
});

Deno.test("Session: a hub built with rate left undefined uses the default 50/s, burst 200", async () => {
  // Optional options may be passed as undefined (startServer does exactly that).
  const history = new MemoryHistoryStore();
  const hub = new Hub({
    history,
    events: new LocalEventLog(history),
    registry: new MemoryRegistry(),
    sessions: new MemorySessionStore(),
    identities: new MemoryIdentityStore(),
    readMarkers: new MemoryReadMarkerStore(),
    moderation: new MemoryModerationStore(),
    blobs: new MemoryBlobStore(),
    maxFileBytes: 1024,
    passkey: await PasskeyChecker.create(PASSKEY),
    historyLimit: 50,
    maxMessageBytes: 4096,
    serverName: SERVER,
    rate: undefined,
  });
  const peer = new FakePeer();
  await new Session(hub, peer, `${A}:1`).handle(hello());
  const welcome = peer.take()[0];
  assertEquals(welcome.type === "welcome" && welcome.rate, { per_second: 50, burst: 200 });
});
