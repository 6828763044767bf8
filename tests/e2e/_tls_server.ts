/**
 * `chat serve --tls` for the end-to-end tests: like {@linkcode startServer} in `_server.ts`, plus
 * the TLS flags and the fingerprint the banner printed.
 *
 * @module
 */
import { CliProcess } from "./_cli.ts";
import type { ChatServer, StopResult } from "./_server.ts";

/** Options of {@linkcode startTlsServer}. */
export interface TlsServerOptions {
  /** `--port N`; 0 unless told. A fixed port lets a test restart the server where it was. */
  port?: number;
  /** Reuse this data dir (the caller removes it); a fresh temporary one unless told. */
  dataDir?: string;
  /** `--passkey KEY`; a fresh random one unless told (give the old one to restart a server). */
  passkey?: string;
  /**
   * `--tls-cert FILE --tls-key FILE` instead of `--tls`, which they imply; `--tls` (a generated
   * certificate) unless told.
   */
  certFile?: string;
  keyFile?: string;
  /** `--quiet`; off unless told, so tests can read the connection log on stderr. */
  quiet?: boolean;
  /** More arguments for `chat serve`, such as `["--handshake-timeout", "1"]`. */
  args?: readonly string[];
  /** How long to wait for the banner. */
  timeoutMs?: number;
}

/** A running `chat serve --tls`. */
export interface TlsChatServer extends ChatServer {
  /** The fingerprint on the banner's `TLS fingerprint:` line, as printed. */
  fingerprint: string;
  /** The `chat join 127.0.0.1:PORT ...` line of the banner, trimmed. */
  joinLine: string;
  /** The banner's line after `TLS fingerprint:`, which says where the certificate came from. */
  originLine: string;
}

const JOIN_LINE = /chat join 127\.0\.0\.1:(\d+)/;
const PASSKEY_LINE = /Passkey:\s*(\S+)/;
const FINGERPRINT_LINE = /TLS fingerprint:\s*(\S+)/;

/** A fingerprint as `chat serve` prints it: `SHA256:` and 32 uppercase hex bytes. */
export const PRINTED_FINGERPRINT = /^SHA256:[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/**
 * Starts `chat serve --tls --host 127.0.0.1` and waits (with a timeout) for its join, passkey
 * and fingerprint lines. Disposing stops it and removes a data dir it created.
 */
export async function startTlsServer(options: TlsServerOptions = {}): Promise<TlsChatServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "chat-e2e-tls-" });
  const passkey = options.passkey ?? `test-${crypto.randomUUID().slice(0, 13)}`;
  const args = ["serve", "--host", "127.0.0.1", "--port", String(options.port ?? 0)];
  args.push("--data-dir", dataDir, "--passkey", passkey);
  if (options.certFile === undefined && options.keyFile === undefined) args.push("--tls");
  if (options.certFile !== undefined) args.push("--tls-cert", options.certFile);
  if (options.keyFile !== undefined) args.push("--tls-key", options.keyFile);
  if (options.quiet) args.push("--quiet");
  args.push(...options.args ?? []);

  const cli = new CliProcess(args);
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
    const found = await cli.stdout.until((lines) => {
      const joinAt = lines.findIndex((line) => JOIN_LINE.test(line));
      const key = lines.map((line) => line.match(PASSKEY_LINE)).find((match) => match);
      const fingerprintAt = lines.findIndex((line) => FINGERPRINT_LINE.test(line));
      // The origin line follows the fingerprint line.
      if (joinAt < 0 || !key || fingerprintAt < 0 || fingerprintAt + 1 >= lines.length) {
        return undefined;
      }
      return {
        joinLine: lines[joinAt].trim(),
        port: Number(lines[joinAt].match(JOIN_LINE)![1]),
        passkey: key[1],
        fingerprint: lines[fingerprintAt].match(FINGERPRINT_LINE)![1],
        originLine: lines[fingerprintAt + 1].trim(),
      };
    }, {
      timeoutMs: options.timeoutMs ?? 20_000,
      what: "the server's join, passkey and TLS fingerprint lines",
      context: () => cli.describe(),
    });
    return {
      ...found,
      address: `127.0.0.1:${found.port}`,
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
