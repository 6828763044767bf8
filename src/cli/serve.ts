import { resolve } from "@std/path";
import {
  loadOrCreateCertificate,
  loadOrCreatePasskey,
  startServer,
  type TlsCertificate,
} from "../server/mod.ts";
import { StoreVersionError } from "../store/mod.ts";
import { byteSizeFlag, integerFlag, parseFlags } from "./args.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { printBanner } from "./serve_banner.ts";

const USAGE = `Usage: chat serve [options]

Starts a chat server and prints how to join it.

Options:
  --host ADDRESS             interface to listen on (default 0.0.0.0: every interface)
  --port PORT                TCP port (default 7777; 0 picks a free one)
  --passkey KEY              passkey clients must give (default: $CHAT_PASSKEY, else one
                             generated at first start and kept in the data dir)
  --new-passkey              generate a new passkey, replacing the stored one
  --data-dir DIR             where history and the passkey live (default ./chat-data)
  --history N                events replayed on joining a room (default 50)
  --max-message-bytes N      largest message in UTF-8 bytes (default 4096)
  --max-file-size SIZE       largest shared file, such as 500M or 10G (default 4G)
  --rate N, --burst N        requests per second each connection may make, and at once
                             (default 50 and 200); faster clients get "slow down" errors
  --max-connections N        connections at once, 0 for no limit (default 20000)
  --max-connections-per-address N
                             connections at once from one address (default 100)
  --handshake-timeout S      seconds a new connection has to log in (default 5)
  --tls                      encrypt with TLS; without --tls-cert/--tls-key a self-signed
                             certificate is made once, kept in the data dir, and its
                             fingerprint printed for clients to check
  --web-port PORT            port of the web client (default: the chat port + 1, 7778)
  --no-web                   do not serve the web client
  --tls-cert FILE, --tls-key FILE
                             your own PEM certificate and key (implies --tls)
  --quiet                    no log lines on stderr
  -h, --help                 this help`;

/** `chat serve`: runs until SIGINT or SIGTERM. */
export async function serve(args: string[]): Promise<number> {
  const { flags } = parseFlags("serve", args, {
    string: [
      "host",
      "port",
      "passkey",
      "data-dir",
      "history",
      "max-message-bytes",
      "max-file-size",
      "rate",
      "burst",
      "max-connections",
      "max-connections-per-address",
      "handshake-timeout",
      "tls-cert",
      "tls-key",
      "web-port",
    ],
    boolean: ["new-passkey", "quiet", "tls", "web"],
    negatable: ["web"],
    default: {
      host: "0.0.0.0",
      port: "7777",
      "data-dir": "./chat-data",
      history: "50",
      "max-message-bytes": "4096",
      "max-file-size": "4G",
      rate: "50",
      burst: "200",
      "max-connections": "20000",
      "max-connections-per-address": "100",
      "handshake-timeout": "5",
      web: true,
    },
  });
  if (flags.help) {
    console.log(USAGE);
    return ExitCode.OK;
  }
  const port = integerFlag(flags, "port", { min: 0, max: 65535 });
  const historyLimit = integerFlag(flags, "history", { min: 1, max: 500 });
  const maxMessageBytes = integerFlag(flags, "max-message-bytes", { min: 1, max: 1_000_000 });
  const maxFileBytes = byteSizeFlag(flags, "max-file-size");
  const rate = {
    perSecond: integerFlag(flags, "rate", { min: 1, max: 1_000_000 }),
    burst: integerFlag(flags, "burst", { min: 1, max: 1_000_000 }),
  };
  const maxConnections = integerFlag(flags, "max-connections", { min: 0, max: 1_000_000 });
  const maxConnectionsPerAddress = integerFlag(flags, "max-connections-per-address", {
    min: 0,
    max: 1_000_000,
  });
  // The web port follows the chat port (7777 → 7778), and is any free one when that is.
  const webPort = flags.web === false
    ? undefined
    : typeof flags["web-port"] === "string"
    ? integerFlag(flags, "web-port", { min: 0, max: 65535 })
    : port === 0
    ? 0
    : port + 1;
  const handshakeTimeoutMs = 1000 *
    integerFlag(flags, "handshake-timeout", { min: 1, max: 3600 });
  const dataDir = absolute(String(flags["data-dir"]));
  const hostname = String(flags.host);
  const quiet = flags.quiet === true;

  try {
    await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CliError(`Cannot create the data dir ${dataDir}: ${describe(error)}.`);
  }
  const passkey = await choosePasskey(flags, dataDir);
  const tls = await chooseCertificate(flags, dataDir);
  const log = quiet
    ? () => {}
    : (line: string) => console.error(`${new Date().toISOString()} ${line}`);

  let server;
  try {
    server = await startServer({
      hostname,
      port,
      dataDir,
      passkey: passkey.value,
      historyLimit,
      maxMessageBytes,
      maxFileBytes,
      rate,
      maxConnections,
      maxConnectionsPerAddress,
      handshakeTimeoutMs,
      tls,
      webPort,
      log,
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new CliError(
        `Port ${port} or web port ${webPort} is already in use; stop the other server, or ` +
          "choose --port or --web-port (or --no-web).",
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new CliError(`This machine has no address ${hostname}; check --host.`);
    }
    if (error instanceof StoreVersionError) throw new CliError(error.message);
    throw new CliError(`Cannot start the server: ${describe(error)}.`);
  }

  printBanner({ hostname, port: server.port, webPort: server.webPort, dataDir, passkey, tls });
  log(`listening on ${hostname}:${server.port}`);

  const stop = Promise.withResolvers<string>();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const onSignal = (signal: string) => () => stop.resolve(signal);
  const handlers = signals.map((signal) => [signal, onSignal(signal)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  const signal = await stop.promise;
  log(`${signal} received, shutting down`);
  await server.close();
  for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  log("stopped");
  return ExitCode.OK;
}

async function choosePasskey(
  flags: Record<string, string | boolean | undefined>,
  dataDir: string,
): Promise<{ value: string; origin: string }> {
  const fromFlag = typeof flags.passkey === "string" ? flags.passkey : undefined;
  if (fromFlag !== undefined && flags["new-passkey"]) {
    throw new CliError("Use either --passkey or --new-passkey, not both.", ExitCode.USAGE);
  }
  if (fromFlag !== undefined) {
    if (fromFlag.trim() === "") throw new CliError("--passkey must not be empty.", ExitCode.USAGE);
    return { value: fromFlag, origin: "from --passkey" };
  }
  const fromEnv = Deno.env.get("CHAT_PASSKEY");
  if (fromEnv !== undefined && fromEnv !== "" && !flags["new-passkey"]) {
    return { value: fromEnv, origin: "from CHAT_PASSKEY" };
  }
  try {
    const { passkey, source } = await loadOrCreatePasskey(dataDir, {
      rotate: flags["new-passkey"] === true,
    });
    return {
      value: passkey,
      origin: source === "generated" ? "new, saved in the data dir" : "saved in the data dir",
    };
  } catch (error) {
    throw new CliError(`Cannot read or write the passkey in ${dataDir}: ${describe(error)}.`);
  }
}

async function chooseCertificate(
  flags: Record<string, string | boolean | undefined>,
  dataDir: string,
): Promise<TlsCertificate | undefined> {
  const certFile = typeof flags["tls-cert"] === "string" ? flags["tls-cert"] : undefined;
  const keyFile = typeof flags["tls-key"] === "string" ? flags["tls-key"] : undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CliError("Give both --tls-cert and --tls-key, or neither.", ExitCode.USAGE);
  }
  if (flags.tls !== true && certFile === undefined) return undefined;
  try {
    return await loadOrCreateCertificate(dataDir, { certFile, keyFile });
  } catch (error) {
    throw new CliError(`Cannot use the TLS certificate: ${describe(error)}.`);
  }
}

/**
 * The data dir as an absolute path, for the banner and logs; as given when this process may
 * not even look up its working directory (a server allowed to read only its data dir).
 */
function absolute(path: string): string {
  try {
    return resolve(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return path;
    throw error;
  }
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}
