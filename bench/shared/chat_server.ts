/**
 * `chat serve` from source as the file-transfer and fan-out benchmarks run it: on 127.0.0.1
 * and a port of its choosing, stdin closed, stderr passed through so that a server error shows
 * in the benchmark's own output, stdout read only for the join line and then drained so that
 * the server never blocks on it.
 *
 * @module
 */
import { cliArgv, JOIN_LINE, withTimeout } from "../../tests/support/mod.ts";
import { terminate } from "./_terminate.ts";

/** A running `chat serve`. */
export interface Server extends AsyncDisposable {
  /** The server's process id, for /proc. */
  pid: number;
  /** The port it listens on, from its join line or its configuration. */
  port: number;
  /** `http://127.0.0.1:PORT/`, the web client's address from the banner, when it serves one. */
  webUrl?: string;
  /** The command as started, for the report. */
  argv: readonly string[];
}

/**
 * Starts `chat serve` on 127.0.0.1 with a free port (and a free web port), `--quiet` unless its
 * log goes to `logFile`, and waits for its join line and, unless `args` has `--no-web`, its web
 * line. `args` are further `serve` options; `runtimeFlags` go to `deno run` (such as
 * `--cpu-prof`).
 */
export async function startServer(
  options: {
    dataDir: string;
    passkey: string;
    maxFileSize?: string;
    args?: readonly string[];
    runtimeFlags?: readonly string[];
    /** Without `--quiet`, its log (stderr) written to this file instead of passed through. */
    logFile?: string;
  },
): Promise<Server> {
  const argv = cliArgv([
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--data-dir",
    options.dataDir,
    "--passkey",
    options.passkey,
    ...(options.logFile === undefined ? ["--quiet"] : []),
    ...(options.maxFileSize === undefined ? [] : ["--max-file-size", options.maxFileSize]),
    ...(options.args ?? []),
  ], { runtimeFlags: options.runtimeFlags });
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: options.logFile === undefined ? "inherit" : "piped",
  }).spawn();
  if (options.logFile !== undefined) {
    const file = await Deno.open(options.logFile, { write: true, create: true, append: true });
    child.stderr.pipeTo(file.writable).catch(() => {});
  }
  const stop = () => terminate(child);
  const web = !(options.args ?? []).includes("--no-web");
  try {
    const { port, webUrl } = await withTimeout(readBanner(child.stdout, web), {
      timeoutMs: 30_000,
      what: "the server's join line",
    });
    return { pid: child.pid, port, webUrl, argv, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The banner's line with the web client's address; group 1 is the URL. */
const WEB_LINE = /Web: (http:\/\/127\.0\.0\.1:\d+\/)/;

/**
 * Reads stdout until the join line (and the web line when `web`), then keeps draining it so the
 * server never blocks.
 */
async function readBanner(
  stdout: ReadableStream<Uint8Array>,
  web: boolean,
): Promise<{ port: number; webUrl?: string }> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The server exited before printing its join line:\n${text}`);
    text += value;
    const join = JOIN_LINE.exec(text);
    const webUrl = WEB_LINE.exec(text)?.[1];
    if (join !== null && (!web || webUrl !== undefined)) {
      (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {});
      return { port: Number(join[1]), webUrl };
    }
  }
}
