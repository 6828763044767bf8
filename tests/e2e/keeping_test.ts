import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import { SqliteHistoryStore } from "../../src/store/mod.ts";
import { databaseHolds } from "../support/mod.ts";
import { CliProcess, makeTempDir, meaningfulLines, startServer, TestClient } from "./_helpers.ts";

const DAY = 86_400_000;

/** Writes a file's bytes where the server keeps them, named by their SHA-256. */
async function storeBlob(dataDir: string, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const blob = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  await Deno.mkdir(join(dataDir, "files", "blobs"), { recursive: true });
  await Deno.writeFile(join(dataDir, "files", "blobs", blob), bytes);
  return blob;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("chat serve --retain 30d deletes older messages and files from the database file and the disk", async () => {
  await using dir = await makeTempDir();
  const database = join(dir.path, "chat.db");
  const old = `forty-days-old-${crypto.randomUUID()}`;
  const recent = `ten-days-old-${crypto.randomUUID()}`;
  const oldBlob = await storeBlob(dir.path, `bytes of ${old}`);
  // Written as a server of 40 and 10 days ago would have stored them.
  const seeded = SqliteHistoryStore.open(database);
  const now = Date.now();
  await seeded.append({
    type: "message",
    room: "lobby",
    from: "ada",
    text: old,
    ts: now - 40 * DAY,
  });
  await seeded.append({
    type: "private",
    room: "lobby",
    from: "ada",
    to: "bob",
    text: `${old} private`,
    ts: now - 40 * DAY,
  });
  await seeded.append({
    type: "file",
    room: "lobby",
    from: "ada",
    text: "",
    ts: now - 40 * DAY,
    file: { name: `${old}.txt`, size: 10, sha256: oldBlob, blob: oldBlob },
  });
  await seeded.append({
    type: "message",
    room: "lobby",
    from: "ada",
    text: recent,
    ts: now - 10 * DAY,
  });
  await seeded.close();
  assert(await databaseHolds(database, old), "the old text is in the file before the server runs");

  await using server = await startServer({ dataDir: dir.path, extraArgs: ["--retain", "30d"] });
  await server.stderr.until(
    (lines) => lines.some((line) => line.includes("removed 3 events and 1 files older than 30d")),
    { what: "the retention log line" },
  );
  assertEquals(await databaseHolds(database, old), false, "nothing of the old text is left");
  assertEquals(await exists(join(dir.path, "files", "blobs", oldBlob)), false, "its file is gone");
  assert(await databaseHolds(database, recent), "what is younger than 30 days stays");
  await using ana = await TestClient.join(server.port, { nick: "ana", passkey: server.passkey });
  const page = ana.messages.filter((message) => message.type === "message");
  assertEquals(page.map((message) => message.text), [recent]);
});

Deno.test("chat serve --wipe asks for --yes without a terminal, then deletes the history for good and keeps who people are", async () => {
  await using dir = await makeTempDir();
  const database = join(dir.path, "chat.db");
  const secret = `wiped-away-${crypto.randomUUID()}`;
  let passkey: string;
  let device: string;
  {
    await using server = await startServer({ dataDir: dir.path, passkey: null });
    passkey = server.passkey;
    await using ana = await TestClient.join(server.port, { nick: "ana", passkey });
    device = String(ana.messages.find((message) => message.type === "welcome")?.device);
    await ana.send(secret);
    await using bob = await TestClient.join(server.port, { nick: "bob", passkey });
    await bob.private("ana", `${secret} private`);
  }
  assert(await databaseHolds(database, secret), "the text is in the file before the wipe");

  await using refused = new CliProcess(["serve", "--data-dir", dir.path, "--port", "0", "--wipe"]);
  const status = await refused.wait({ what: "chat serve --wipe without --yes to exit" });
  assertEquals(status.code, 2);
  const sentence = meaningfulLines(refused.stderr.lines);
  assertEquals(sentence.length, 1, refused.describe());
  assertMatch(sentence[0], /^chat serve: --wipe deletes .* add --yes to confirm/);
  assert(await databaseHolds(database, secret), "nothing was wiped without a confirmation");

  await using server = await startServer({
    dataDir: dir.path,
    passkey: null,
    extraArgs: ["--wipe", "--yes"],
  });
  assert(
    server.stderr.lines.some((line) =>
      /wiped .*: deleted \d+ events and 0 files for good/.test(line)
    ),
    server.process.describe(),
  );
  assertEquals(server.passkey, passkey, "the passkey stays");
  assertEquals(await databaseHolds(database, secret), false, "nothing of the text is left");
  // The device still lets ana in, and her nick is still hers.
  await using ana = await TestClient.join(server.port, {
    nick: "ana",
    passkey: "not-the-passkey",
    device,
  });
  assertEquals(ana.messages.filter((message) => message.type === "message"), []);
  await using stranger = await TestClient.connect(server.port);
  const refusal = await stranger.hello({ nick: "ana", passkey, stranger: true });
  assertEquals(refusal.code, "nick_owned", JSON.stringify(refusal));
});
