import { assert, assertEquals } from "@std/assert";
import { join, toFileUrl } from "@std/path";
import { toWireEvent } from "../../src/chat/mod.ts";
import { SqliteHistoryStore, type StoredEvent } from "../../src/store/mod.ts";
import { gradientPng } from "../browser/_png.ts";
import { BROWSER_TIMEOUT_MS, launchBrowser } from "../browser/_browser.ts";
import { CliProcess, makeTempDir, runJoin, startServer, TestClient } from "./_helpers.ts";

const MARKUP = `<b>not bold</b> & "quoted" <script>document.title = "pwned"</script>`;

/** A server where ana (a `chat join`, the machine's own device) and bob talked and shared a picture. */
async function talkedServer() {
  const server = await startServer();
  const bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  const dir = await makeTempDir();
  const picture = join(dir.path, "picture.png");
  await Deno.writeFile(picture, gradientPng(8, 8));
  const joined = await runJoin([server.address, "--nick", "ana"], {
    passkey: server.passkey,
    stdin: [MARKUP, "/me waves", "/msg bob just between us", "/join side", "in the side room"],
  });
  assertEquals(joined.code, 0, joined.stderr);
  await bob.send("hello ana");
  await bob.private("ana", "a reply for ana only");
  const shared = await runChat(
    ["send-file", server.address, picture, "--nick", "ana"],
    server.passkey,
  );
  assertEquals(shared.code, 0, shared.describe);
  // Between bob and carol: ana must not see it.
  await using carol = await TestClient.join(server.port, {
    nick: "carol",
    passkey: server.passkey,
  });
  await carol.private("bob", "ana never reads this");
  return {
    server,
    dir,
    async [Symbol.asyncDispose]() {
      await bob.close();
      await dir[Symbol.asyncDispose]();
      await server.stop();
    },
  };
}

async function storedEvents(dataDir: string): Promise<StoredEvent[]> {
  const store = SqliteHistoryStore.openReadOnly(join(dataDir, "chat.db"));
  try {
    return await store.events({ after: 0, limit: 10_000 });
  } finally {
    await store.close();
  }
}

/** Runs `chat ...args` to its end as this test machine (its devices), with `passkey` if given. */
async function runChat(args: string[], passkey?: string) {
  await using cli = new CliProcess(args, {
    env: passkey === undefined ? {} : { CHAT_PASSKEY: passkey },
  });
  await cli.closeStdin();
  const status = await cli.wait({ timeoutMs: 30_000, what: `chat ${args[0]} to finish` });
  return { code: status.code, stdout: cli.stdout.lines, describe: cli.describe() };
}

function parseLines(text: string): unknown[] {
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

Deno.test("chat export --data-dir writes every stored event as JSON Lines that parse back to the same events", async () => {
  await using talk = await talkedServer();
  const out = join(talk.dir.path, "all.jsonl");
  const exported = await runChat([
    "export",
    "--data-dir",
    talk.server.dataDir,
    "--format",
    "jsonl",
    "-o",
    out,
  ]);
  assertEquals(exported.code, 0, exported.describe);
  const stored = await storedEvents(talk.server.dataDir);
  assert(stored.some((event) => event.type === "private"), "private events are there to export");
  assertEquals(parseLines(await Deno.readTextFile(out)), stored);

  const since = new Date(stored.find((event) => event.text === "hello ana")!.ts).toISOString();
  const lobby = await runChat([
    "export",
    "--data-dir",
    talk.server.dataDir,
    "--room",
    "lobby",
    "--since",
    since,
    "--format",
    "jsonl",
  ]);
  assertEquals(lobby.code, 0, lobby.describe);
  assertEquals(
    parseLines(lobby.stdout.join("\n")),
    stored.filter((event) =>
      event.room === "lobby" && event.to === undefined && event.ts >= Date.parse(since)
    ),
  );
});

Deno.test("chat export HOST exports what its user may read, as the server's history carries it", async () => {
  await using talk = await talkedServer();
  const out = join(talk.dir.path, "ana.jsonl");
  const exported = await runChat(
    ["export", talk.server.address, "--nick", "ana", "--format", "jsonl", "-o", out],
    talk.server.passkey,
  );
  assertEquals(exported.code, 0, exported.describe);
  const lines = parseLines(await Deno.readTextFile(out));
  // What the server's pages give ana: room events but join and leave notices, and her own
  // private conversations, in the protocol's form.
  const presence = (event: StoredEvent) =>
    event.type === "notice" && (event.event === "join" || event.event === "leave");
  const expected = (await storedEvents(talk.server.dataDir))
    .filter((event) =>
      event.to === undefined ? !presence(event) : [event.from, event.to].includes("ana")
    )
    .map((event) => ({ ...toWireEvent(event) }));
  assertEquals(lines, expected);
  assert(!JSON.stringify(lines).includes("ana never reads this"));
  assert(JSON.stringify(lines).includes("in the side room"));
});

Deno.test("an HTML export opens offline in Chromium: messages shown, markup escaped, the picture and its link resolve", async () => {
  await using talk = await talkedServer();
  const out = join(talk.dir.path, "html");
  const exported = await runChat([
    "export",
    "--data-dir",
    talk.server.dataDir,
    "--format",
    "html",
    "-o",
    out,
  ]);
  assertEquals(exported.code, 0, exported.describe);
  await using launched = await launchBrowser();
  const context = await launched.browser.newContext({ offline: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    await page.goto(toFileUrl(join(out, "index.html")).href);
    await page.click("text=#lobby");
    await page.waitForSelector("text=hello ana");
    const text = await page.locator("body").innerText();
    assert(text.includes(MARKUP), text);
    assert(text.includes("ana waves"), text);
    assertEquals(
      await page.locator("li b, li script").count(),
      0,
      "user text never becomes markup",
    );
    assertEquals(await page.title(), "#lobby");
    await page.waitForFunction(
      "document.querySelector('img')?.complete && document.querySelector('img').naturalWidth === 8",
    );
    const href = await page.locator("a", { hasText: "picture.png" }).getAttribute("href");
    assertEquals(await Deno.readFile(new URL(href!, page.url())), gradientPng(8, 8));
    await page.goto(toFileUrl(join(out, "index.html")).href);
    await page.click("text=ana and bob");
    await page.waitForSelector("text=a reply for ana only");
  } finally {
    await context.close();
  }
});
