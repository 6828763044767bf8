/**
 * `chat serve --tls` for the end-to-end tests: like {@linkcode startServer} in `_server.ts`, plus
 * the TLS flags and the fingerprint the banner printed.
 *
 * @module
 */
import { type ChatServer, startServer } from "./_server.ts";

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
const FINGERPRINT_LINE = /TLS fingerprint:\s*(\S+)/;

/** A fingerprint as `chat serve` prints it: `SHA256:` and 32 uppercase hex bytes. */
export const PRINTED_FINGERPRINT = /^SHA256:[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/**
 * Starts `chat serve --tls --host 127.0.0.1` and waits (with a timeout) for its join, passkey
 * and fingerprint lines. Disposing stops it and removes a data dir it created.
 */
export async function startTlsServer(options: TlsServerOptions = {}): Promise<TlsChatServer> {
  const tls = options.certFile === undefined && options.keyFile === undefined ? ["--tls"] : [];
  if (options.certFile !== undefined) tls.push("--tls-cert", options.certFile);
  if (options.keyFile !== undefined) tls.push("--tls-key", options.keyFile);
  const server = await startServer({
    port: options.port,
    dataDir: options.dataDir,
    passkey: options.passkey,
    quiet: options.quiet,
    timeoutMs: options.timeoutMs,
    extraArgs: [...tls, ...options.args ?? []],
  });
  try {
    const found = await server.stdout.until((lines) => {
      const joinAt = lines.findIndex((line) => JOIN_LINE.test(line));
      const fingerprintAt = lines.findIndex((line) => FINGERPRINT_LINE.test(line));
      // The origin line follows the fingerprint line.
      if (joinAt < 0 || fingerprintAt < 0 || fingerprintAt + 1 >= lines.length) return undefined;
      return {
        joinLine: lines[joinAt].trim(),
        fingerprint: lines[fingerprintAt].match(FINGERPRINT_LINE)![1],
        originLine: lines[fingerprintAt + 1].trim(),
      };
    }, {
      timeoutMs: options.timeoutMs ?? 20_000,
      what: "the server's TLS fingerprint lines",
      context: () => server.process.describe(),
    });
    return Object.assign(server, found);
  } catch (error) {
    await server.stop({ timeoutMs: 1_000 });
    throw error;
  }
}
