import { assert, assertEquals } from "@std/assert";
import {
  type JsonEvent,
  makeTempDir,
  type Received,
  runJoin,
  spawnJoin,
  startServer,
  TestClient,
} from "./_helpers.ts";

const TEXTS = Array.from({ length: 8 }, (_, i) => `history line ${i + 1}`);
const HISTORY = 5;

/** Sends TEXTS as alice and returns their acks' ids in order. */
async function sendAll(alice: TestClient): Promise<number[]> {
  const ids: number[] = [];
  for (const text of TEXTS) {
    const ack = await alice.send(text);
    assertEquals(ack.type, "ack", JSON.stringify(ack));
    ids.push(Number(ack.id));
  }
  return ids;
}

/**
 * Checks a replayed page: at most HISTORY events, ids increasing, all marked history, and its
 * messages exactly the newest of TEXTS in order (notices may take some of the places).
 */
function assertNewestPage(page: readonly (JsonEvent | Received)[], ids: readonly number[]) {
  const shown = page.map((e) => JSON.stringify(e)).join("\n");
  assert(page.length <= HISTORY, `at most ${HISTORY} events replayed:\n${shown}`);
  assert(page.every((e) => e.history === true), `all marked history: true:\n${shown}`);
  const pageIds = page.map((e) => Number(e.id));
  assertEquals(pageIds, [...pageIds].sort((a, b) => a - b), "oldest first");
  const messages = page.filter((e) => e.type === "message");
  assert(messages.length >= 3, `most of the page is messages:\n${shown}`);
  const expected = TEXTS.slice(-messages.length);
  assertEquals(messages.map((e) => e.text), expected, "the newest messages, in order");
  assertEquals(messages.map((e) => Number(e.id)), ids.slice(-messages.length), "their ids");
}

Deno.test("joining replays the newest --history events, marked history, in order", async () => {
  await using server = await startServer({ history: HISTORY });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  const ids = await sendAll(alice);

  // A protocol client sees exactly the replayed page between joined and history_end.
  await using raw = await TestClient.join(server.port, { nick: "raw", passkey: server.passkey });
  assertEquals(raw.messages.find((m) => m.type === "welcome")?.history, HISTORY);
  const start = raw.messages.findIndex((m) => m.type === "joined");
  const end = raw.messages.findIndex((m) => m.type === "history_end");
  const rawPage = raw.messages.slice(start + 1, end);
  assertNewestPage(rawPage, ids);
  assertEquals(rawPage.filter((m) => m.type === "message").length, HISTORY, raw.describe());

  await using reader = spawnJoin([server.address, "--nick", "reader", "--json"], {
    passkey: server.passkey,
  });
  await reader.waitFor((e) => e.history === true && e.text === TEXTS.at(-1), {
    what: "the newest message replayed",
  });
  await reader.ready();
  const result = await reader.close();
  assertEquals(result.code, 0, result.stderr);
  assertNewestPage(result.events.filter((e) => e.history === true), ids);
  assertEquals(result.events.filter((e) => e.text === TEXTS[0]).length, 0, "older ones are not");
});

Deno.test("history survives a server restart and /history pages further back", async () => {
  await using dir = await makeTempDir();
  let ids: number[];
  let passkey: string;
  {
    await using server = await startServer({ history: HISTORY, dataDir: dir.path });
    passkey = server.passkey;
    await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
    ids = await sendAll(alice);
    await alice.close();
    const stopped = await server.stop();
    assert(!stopped.forced, `SIGTERM stops the server\n${server.process.describe()}`);
  }

  await using server = await startServer({ history: HISTORY, dataDir: dir.path, passkey });
  await using reader = spawnJoin([server.address, "--nick", "reader", "--json"], { passkey });
  await reader.waitFor((e) => e.history === true && e.text === TEXTS.at(-1), {
    what: "the newest message replayed after the restart",
  });
  await reader.ready();
  const firstPage = reader.events.filter((e) => e.history === true);
  assertNewestPage(firstPage, ids);
  const oldestShown = Math.min(...firstPage.map((e) => Number(e.id)));

  const since = reader.mark();
  await reader.write("/history 20");
  const first = await reader.waitFor((e) => e.history === true && e.text === TEXTS[0], {
    since,
    what: "the first message, paged in with /history",
  });
  assertEquals(first.id, ids[0], "the same event, with the same id");
  await reader.ready();
  const result = await reader.close();
  assertEquals(result.code, 0, result.stderr);
  const older = result.events.slice(since).filter((e) => e.history === true);
  assert(
    older.every((e) => Number(e.id) < oldestShown),
    `/history shows only events older than the first page (id < ${oldestShown}):\n` +
      result.stdout.slice(-30).join("\n"),
  );
  const olderMessages = older.filter((e) => e.type === "message");
  assertEquals(
    olderMessages.map((e) => e.text),
    TEXTS.slice(0, olderMessages.length),
    "older messages in order",
  );
});

Deno.test("/history with nothing older prints no event a second time", async () => {
  await using server = await startServer({ history: HISTORY });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  assertEquals((await alice.send("only one line")).type, "ack");
  await using reader = spawnJoin([server.address, "--nick", "reader", "--json"], {
    passkey: server.passkey,
  });
  await reader.waitFor((e) => e.history === true && e.text === "only one line", {
    what: "the message replayed",
  });
  await reader.ready();
  await reader.write("/history");
  await reader.ready();
  const result = await reader.close();
  assertEquals(result.code, 0, result.stderr);
  const ids = result.events.filter((e) => typeof e.id === "number").map((e) => e.id);
  assertEquals(ids.length, new Set(ids).size, `no event twice:\n${result.stdout.join("\n")}`);
});

Deno.test("a piped /history right after joining prints no event a second time", async () => {
  await using server = await startServer({ history: HISTORY });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  const ids = await sendAll(alice);
  const result = await runJoin([server.address, "--nick", "reader", "--json"], {
    passkey: server.passkey,
    stdin: ["/history 20"],
  });
  assertEquals(result.code, 0, result.stderr);
  const printed = result.events.filter((e) => typeof e.id === "number").map((e) => e.id);
  assertEquals(
    printed.length,
    new Set(printed).size,
    `no event twice:\n${result.stdout.join("\n")}`,
  );
  // The older page is printed after the first one; together they hold every message once.
  const messages = result.events.filter((e) => e.type === "message");
  const byId = messages.toSorted((a, b) => Number(a.id) - Number(b.id));
  assertEquals(byId.map((e) => e.text), TEXTS, "every message once");
  assertEquals(byId.map((e) => e.id), ids);
});

Deno.test("acknowledged messages survive a server crash (SIGKILL)", async () => {
  await using dir = await makeTempDir();
  let ids: number[];
  let passkey: string;
  {
    await using server = await startServer({ history: HISTORY, dataDir: dir.path });
    passkey = server.passkey;
    await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
    ids = await sendAll(alice);
    server.kill("SIGKILL");
    await server.stop();
  }
  await using server = await startServer({ history: HISTORY, dataDir: dir.path, passkey });
  await using raw = await TestClient.join(server.port, { nick: "raw", passkey });
  const rid = raw.rid();
  const since = raw.mark();
  // An explicit `before` above every id asks for the newest page, whatever was replayed.
  await raw.sendMessage({ type: "history", limit: 20, before: Number.MAX_SAFE_INTEGER, rid });
  await raw.waitFor((m) => m.type === "history_end" && m.rid === rid, { since });
  const page = raw.messages.slice(since).filter((m) => m.type === "message");
  assertEquals(page.map((m) => m.text), TEXTS, "every acknowledged message is still there");
  assertEquals(page.map((m) => m.id), ids, "with its id");
  const next = await raw.send("after the crash");
  assert(Number(next.id) > Math.max(...ids), `ids are never reused: ${JSON.stringify(next)}`);
});
