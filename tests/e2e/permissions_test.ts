import { assert, assertEquals, assertMatch, assertNotMatch } from "@std/assert";
import { join } from "@std/path";
import { SERVER_PERMISSIONS } from "../../scripts/compile.ts";
import { MAIN, makeTempDir, TestClient } from "./_helpers.ts";

const JOIN_LINE = /chat join 127\.0\.0\.1:(\d+)/;

/** Runs `chat serve` with exactly the permissions the chat-server binary is compiled with. */
function serveNarrowly(cwd: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...SERVER_PERMISSIONS, MAIN, "serve", "--host", "127.0.0.1", ...args],
    cwd,
    env: { CHAT_PASSKEY: "narrow-passkey" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const reader = stream.getReader();
  const timer = setTimeout(() => reader.cancel(), 20_000);
  try {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  return text;
}

Deno.test("chat serve works with only the chat-server binary's permissions", async () => {
  await using dir = await makeTempDir();
  const child = serveNarrowly(dir.path, ["--port", "0", "--quiet"]);
  try {
    const banner = await readUntil(child.stdout, /Press Ctrl\+C/);
    const port = Number(banner.match(JOIN_LINE)?.[1]);
    assert(port > 0, `the server started:\n${banner}`);
    await using alice = await TestClient.join(port, { nick: "alice", passkey: "narrow-passkey" });
    const ack = await alice.send("inside the fence");
    assert(Number(ack.id) > 0, JSON.stringify(ack));
    const stored = [...Deno.readDirSync(join(dir.path, "chat-data"))].map((entry) => entry.name);
    assert(stored.includes("chat.db"), `history lives in ./chat-data: ${stored}`);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
});

Deno.test("chat serve with the chat-server permissions refuses a data dir outside them", async () => {
  await using dir = await makeTempDir();
  const elsewhere = join(dir.path, "elsewhere");
  const child = serveNarrowly(dir.path, ["--port", "0", "--data-dir", elsewhere]);
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
    child.stdout.cancel(),
  ]);
  assertEquals(status.code, 1, stderr);
  const lines = stderr.trim().split("\n");
  assertEquals(lines.length, 1, `one line:\n${stderr}`);
  assertMatch(lines[0], /elsewhere/);
  assertNotMatch(stderr, /^\s+at /m, "no stack trace");
  assertEquals([...Deno.readDirSync(dir.path)].map((entry) => entry.name), [], "nothing written");
});
