/**
 * The processes the benchmarks run: `chat serve`, the IRC servers they compare it with, one-shot
 * CLI commands and socat. Everything binds to 127.0.0.1; every child is killed by its owner in
 * `finally`.
 *
 * @module
 */
import { cliArgv, JOIN_LINE, withTimeout } from "../../tests/support/mod.ts";

/** A child whose output is collected whole; fine for commands that print a few lines. */
export interface Running {
  pid: number;
  argv: readonly string[];
  /** Resolves when it has exited, with `performance.now()` at that moment. */
  finished: Promise<{ code: number; stdout: string; stderr: string; endedAt: number }>;
  kill(): void;
}

/** Starts `argv` with stdin closed and stdout/stderr collected. */
export function spawn(
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Running {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const finished = (async () => {
    const [stdout, stderr, status] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.status,
    ]);
    return { code: status.code, stdout, stderr, endedAt: performance.now() };
  })();
  return {
    pid: child.pid,
    argv,
    finished,
    kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    },
  };
}

/** Runs `argv` to the end; throws with its stderr when it fails. */
export async function run(
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string; endedAt: number }> {
  const running = spawn(argv, options);
  const result = await running.finished;
  if (result.code !== 0) {
    throw new Error(`${argv.join(" ")} exited with ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}

/** A running `chat serve`. */
export interface Server extends AsyncDisposable {
  pid: number;
  port: number;
  argv: readonly string[];
}

/**
 * Starts `chat serve` on 127.0.0.1 with a free port and waits for its join line. `args` are
 * further `serve` options; `runtimeFlags` go to `deno run` (such as `--cpu-prof`).
 */
export async function startServer(
  options: {
    dataDir: string;
    passkey: string;
    maxFileSize?: string;
    args?: readonly string[];
    runtimeFlags?: readonly string[];
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
    "--quiet",
    ...(options.maxFileSize === undefined ? [] : ["--max-file-size", options.maxFileSize]),
    ...(options.args ?? []),
  ], options.runtimeFlags);
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stop = () => terminate(child);
  try {
    const port = await withTimeout(readJoinPort(child.stdout), {
      timeoutMs: 30_000,
      what: "the server's join line",
    });
    return { pid: child.pid, port, argv, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Reads stdout until the join line, then keeps draining it so the server never blocks. */
async function readJoinPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The server exited before printing its join line:\n${text}`);
    text += value;
    const match = JOIN_LINE.exec(text);
    if (match !== null) {
      (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {});
      return Number(match[1]);
    }
  }
}

/** Polls `output` (every 20 ms) until it holds the join line; resolves with its port. */
export async function joinLinePort(output: () => string): Promise<number> {
  for (;;) {
    const match = JOIN_LINE.exec(output());
    if (match !== null) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Stops `child`: SIGTERM, then SIGKILL if it is still there after 5 s; resolves once it exited. */
async function terminate(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already exited.
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Exited in the meantime.
    }
  }, 5_000);
  await child.status;
  clearTimeout(timer);
}

/** A server started by {@linkcode launch}; disposing stops it (SIGTERM, then SIGKILL after 5 s). */
export interface Launched extends Server {
  /** What messages call it. */
  name: string;
  /** The end of what it printed, for error messages. */
  output(): string;
}

const OUTPUT_KEPT = 4096;

/**
 * Starts a server, `argv`, keeping the end of its stdout and stderr, and waits (30 s at most)
 * until it listens: on `ready` when that is a port, or else on the port `ready` reads from its
 * output (such as {@linkcode joinLinePort}). Throws with that output if it exits first.
 */
export async function launch(
  name: string,
  argv: readonly string[],
  ready: number | ((output: () => string) => Promise<number>),
): Promise<Launched> {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const keep = async (stream: ReadableStream<Uint8Array>) => {
    for await (const piece of stream.pipeThrough(new TextDecoderStream())) {
      text = (text + piece).slice(-OUTPUT_KEPT);
    }
  };
  const drained = Promise.all([keep(child.stdout), keep(child.stderr)]).catch(() => {});
  let exited = false;
  child.status.then(() => exited = true);
  const stop = async () => {
    await terminate(child);
    await drained;
  };
  const output = () => text;
  const listening = typeof ready === "number"
    ? () => waitForListener(ready, 30_000).then(() => ready)
    : () => ready(output);
  try {
    const port = await withTimeout(
      Promise.race([
        listening(),
        child.status.then(() => {
          throw new Error(`${name} exited at start:\n${text}`);
        }),
      ]),
      { timeoutMs: 30_000, what: `${name} to listen` },
    );
    if (exited) throw new Error(`${name} exited at start:\n${text}`);
    return { name, pid: child.pid, port, argv, output, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Waits until something listens on 127.0.0.1:`port`, by reading `/proc/net/tcp`: a probe
 * connection would be the one connection a non-forking socat listener accepts.
 */
export async function waitForListener(port: number, timeoutMs = 10_000): Promise<void> {
  const needle = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")} 00000000:0000 0A`;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (Deno.readTextFileSync("/proc/net/tcp").includes(needle)) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`Nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms.`);
}

/** Resolves with `performance.now()` when `path` first exists (polled every `intervalMs`). */
export async function whenExists(
  path: string,
  options: { intervalMs?: number; signal: AbortSignal },
): Promise<number | undefined> {
  while (!options.signal.aborted) {
    try {
      Deno.lstatSync(path);
      return performance.now();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5));
    }
  }
  return undefined;
}
