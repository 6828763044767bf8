/**
 * The `chat serve` a web-page benchmark opens: started from a given checkout (so a tree before a
 * change and the one after it are measured in the same run), on 127.0.0.1 with free ports and
 * a temporary data dir, with one message in the lobby's history put there by that checkout's
 * own `chat join` in a pipe.
 *
 * @module
 */
import { join } from "@std/path";

/** A running server of one checkout, stopped and its data dir removed on dispose. */
export interface PageServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/`, from the banner. */
  webUrl: string;
  passkey: string;
}

const JOIN_LINE = /chat join 127\.0\.0\.1:(\d+)/;
const WEB_LINE = /Web: (http:\/\/127\.0\.0\.1:\d+\/)/;
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/** The text of the message the page waits for. */
export const SEED_TEXT = "the first message in the history";

/** Starts `root`'s `chat serve` and seeds the lobby with {@linkcode SEED_TEXT}. */
export async function startPageServer(root: string): Promise<PageServer> {
  const dataDir = await Deno.makeTempDir({ prefix: "chat-bench-web-" });
  const passkey = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PERMISSIONS,
      join(root, "main.ts"),
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--web-port",
      "0",
      "--data-dir",
      dataDir,
      "--passkey",
      passkey,
      "--quiet",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    await child.status;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  try {
    const { port, webUrl } = await readBanner(child.stdout);
    await seed(root, `127.0.0.1:${port}`, passkey);
    return { webUrl, passkey, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Reads stdout until the join and web lines are there; the rest is drained unread. */
async function readBanner(
  stdout: ReadableStream<Uint8Array>,
): Promise<{ port: number; webUrl: string }> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timeout = setTimeout(() => reader.cancel(), 20_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`chat serve printed no join and web lines:\n${text}`);
      text += value;
      const port = JOIN_LINE.exec(text)?.[1];
      const webUrl = WEB_LINE.exec(text)?.[1];
      if (port !== undefined && webUrl !== undefined) {
        (async () => {
          while (!(await reader.read()).done);
        })().catch(() => {});
        return { port: Number(port), webUrl };
      }
    }
  } finally {
    clearTimeout(timeout);
  }
}

/** `echo SEED_TEXT | chat join ADDRESS --nick seed`: it exits once the server stored it. */
async function seed(root: string, address: string, passkey: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, join(root, "main.ts"), "join", address, "--nick", "seed"],
    env: { CHAT_PASSKEY: passkey },
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${SEED_TEXT}\n`));
  await writer.close();
  const { code, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(`chat join could not seed the history: ${new TextDecoder().decode(stderr)}`);
  }
}
