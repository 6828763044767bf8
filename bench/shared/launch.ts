/**
 * Servers whose output is only needed when they fail (the IRC references, and `chat serve` in
 * the connection benchmark, which must not be slowed by a reader): the end of their stdout and
 * stderr is kept for the error message, and readiness is a listening port or a line they print.
 *
 * @module
 */
import { JOIN_LINE, withTimeout } from "../../tests/support/mod.ts";
import type { Server } from "./chat_server.ts";
import { sleep } from "./sleep.ts";
import { terminate } from "./_terminate.ts";
import { waitForListener } from "./wait_for_listener.ts";

/** A server started by {@linkcode launch}; disposing stops it (SIGTERM, then SIGKILL after 5 s). */
export interface Launched extends Server {
  /** What messages call it. */
  name: string;
  /** The end of what it printed, for error messages. */
  output(): string;
}

/** Characters of a server's output kept for its error messages. */
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

/** Polls `output` (every 20 ms) until it holds the join line; resolves with its port. */
export async function joinLinePort(output: () => string): Promise<number> {
  for (;;) {
    const match = JOIN_LINE.exec(output());
    if (match !== null) return Number(match[1]);
    await sleep(20);
  }
}
