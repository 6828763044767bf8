import { JOIN_LINE } from "../support/mod.ts";
import { type CliOptions, CliProcess } from "./_cli.ts";
import type { LineCollector } from "./_lines.ts";

/** Options of {@linkcode startServer}; `netns`, `permissions` and `cwd` as for a CLI process. */
export interface ServerOptions extends Pick<CliOptions, "netns" | "permissions" | "cwd"> {
  /** `--host ADDRESS`; 127.0.0.1 unless told. */
  host?: string;
  /**
   * The passkey given with `--passkey`. A fresh random one unless told; `null` gives none, so
   * the server takes `CHAT_PASSKEY` from `env` or generates one.
   */
  passkey?: string | null;
  /** `--port N`: a fixed port lets clients reconnect after a restart; 0 unless told. */
  port?: number;
  /** `--history N`. */
  history?: number;
  /** `--max-message-bytes N`. */
  maxMessageBytes?: number;
  /** `--quiet`. */
  quiet?: boolean;
  /** Reuse this data dir (the caller removes it); a fresh temporary one unless told. */
  dataDir?: string;
  /** Extra environment variables for the server. */
  env?: Record<string, string>;
  /** A command the server runs under, such as `["prlimit", "--nofile=512:512"]`. */
  wrapper?: readonly string[];
  /** How long to wait for the join line. */
  timeoutMs?: number;
  /** Flags added after the usual ones, such as `["--rate", "5"]` or `["--tls"]`. */
  extraArgs?: readonly string[];
}

/** How a server ended. */
export interface StopResult {
  status: Deno.CommandStatus;
  /** True when SIGTERM was not enough and the server had to be killed. */
  forced: boolean;
}

/** A running `chat serve`. */
export interface ChatServer extends AsyncDisposable {
  /** The port the server reported in its join line. */
  port: number;
  /** `HOST:PORT` (127.0.0.1 for a wildcard host), the argument of `chat join`. */
  address: string;
  /** The passkey the server printed. */
  passkey: string;
  /** The data directory. */
  dataDir: string;
  stdout: LineCollector;
  stderr: LineCollector;
  process: CliProcess;
  /**
   * Sends `signal` (SIGTERM unless told), then SIGKILL if the server has not exited within
   * `timeoutMs`, and removes a data dir it created. Idempotent.
   */
  stop(options?: { timeoutMs?: number; signal?: Deno.Signal }): Promise<StopResult>;
  /** Sends a signal without waiting. */
  kill(signal?: Deno.Signal): void;
}

const PASSKEY_LINE = /Passkey:\s*(\S+)/;

/**
 * Starts `chat serve --host 127.0.0.1 --port 0` (or `options.host`, `options.port`) and waits
 * (with a timeout) until its stdout shows the join line with the real port and the passkey line.
 */
export async function startServer(options: ServerOptions = {}): Promise<ChatServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "chat-e2e-" });
  const passkey = options.passkey === undefined
    ? `test-${crypto.randomUUID().slice(0, 13)}`
    : options.passkey;
  const port = String(options.port ?? 0);
  const host = options.host ?? "127.0.0.1";
  const args = ["serve", "--host", host, "--port", port, "--data-dir", dataDir];
  if (passkey !== null) args.push("--passkey", passkey);
  if (options.history !== undefined) args.push("--history", String(options.history));
  if (options.maxMessageBytes !== undefined) {
    args.push("--max-message-bytes", String(options.maxMessageBytes));
  }
  if (options.quiet) args.push("--quiet");
  // A fixed --port would put the web port at port + 1, which another socket may hold: let the
  // OS choose it (a later --web-port or --no-web in extraArgs still wins).
  args.push("--web-port", "0");
  args.push(...options.extraArgs ?? []);

  const cli = new CliProcess(args, {
    env: options.env,
    wrapper: options.wrapper,
    netns: options.netns,
    permissions: options.permissions,
    cwd: options.cwd,
  });
  let stopped: Promise<StopResult> | undefined;
  const stop = (stopOptions: { timeoutMs?: number; signal?: Deno.Signal } = {}) => {
    stopped ??= (async () => {
      let forced = false;
      cli.kill(stopOptions.signal ?? "SIGTERM");
      try {
        await cli.wait({
          timeoutMs: stopOptions.timeoutMs ?? 10_000,
          what: "the server to exit",
        });
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
      // Where clients reach it: its own address, or this machine's for a wildcard.
      address: `${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`,
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
