import { CliProcess } from "./_cli.ts";
import type { ChatServer, ServerOptions, StopResult } from "./_server.ts";

/** Options of {@linkcode startLimitedServer}: those of `startServer`, and more flags. */
export interface LimitedServerOptions extends Omit<ServerOptions, "port"> {
  /** Flags added after the usual ones, such as `["--rate", "5", "--burst", "5"]`. */
  extraArgs?: readonly string[];
}

const JOIN_LINE = /chat join 127\.0\.0\.1:(\d+)/;
const PASSKEY_LINE = /Passkey:\s*(\S+)/;

/**
 * Starts `chat serve --host 127.0.0.1 --port 0 ...extraArgs`, for the abuse limits that
 * `startServer` has no option for, and waits (with a timeout) for its join and passkey lines.
 * The server still listens on loopback only; clients may connect from any 127.0.0.0/8 address.
 */
export async function startLimitedServer(options: LimitedServerOptions = {}): Promise<ChatServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "chat-e2e-" });
  const passkey = options.passkey === undefined
    ? `test-${crypto.randomUUID().slice(0, 13)}`
    : options.passkey;
  const args = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir];
  if (passkey !== null) args.push("--passkey", passkey);
  if (options.history !== undefined) args.push("--history", String(options.history));
  if (options.maxMessageBytes !== undefined) {
    args.push("--max-message-bytes", String(options.maxMessageBytes));
  }
  if (options.quiet) args.push("--quiet");
  args.push(...options.extraArgs ?? []);

  const cli = new CliProcess(args, { env: options.env });
  let stopped: Promise<StopResult> | undefined;
  const stop = (stopOptions: { timeoutMs?: number; signal?: Deno.Signal } = {}) => {
    stopped ??= (async () => {
      let forced = false;
      cli.kill(stopOptions.signal ?? "SIGTERM");
      try {
        await cli.wait({ timeoutMs: stopOptions.timeoutMs ?? 10_000, what: "the server to exit" });
      } catch {
        forced = true; // wait() killed it.
      }
      await cli.closeStdin();
      if (ownsDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      return { status: await cli.status, forced };
    })();
    return stopped;
  };

  try {
    const [port, printedPasskey] = await cli.stdout.until((lines) => {
      const join = lines.map((line) => line.match(JOIN_LINE)).find((found) => found);
      const key = lines.map((line) => line.match(PASSKEY_LINE)).find((found) => found);
      return join && key ? [Number(join[1]), key[1]] as const : undefined;
    }, {
      timeoutMs: options.timeoutMs ?? 20_000,
      what: "the server's join line and passkey line",
      context: () => cli.describe(),
    });
    return {
      port,
      address: `127.0.0.1:${port}`,
      passkey: printedPasskey,
      dataDir,
      stdout: cli.stdout,
      stderr: cli.stderr,
      process: cli,
      stop,
      kill: (signal: Deno.Signal = "SIGTERM") => cli.kill(signal),
      async [Symbol.asyncDispose]() {
        await stop({ timeoutMs: 3_000 });
      },
    };
  } catch (error) {
    await stop({ timeoutMs: 1_000 });
    throw error;
  }
}
