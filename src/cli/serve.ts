import { resolve } from "@std/path";
import {
  defaultServiceName,
  loadOrCreateCertificate,
  loadOrCreatePasskey,
  startServer,
  type TlsCertificate,
  wipeDataDir,
} from "../server/mod.ts";
import { serviceNameProblem } from "../protocol/mod.ts";
import { StoreVersionError } from "../store/mod.ts";
import { errorReason, formatDuration } from "../util/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import type { Flags } from "./flags/mod.ts";
import { printBanner } from "./serve_banner.ts";
import { SERVE_FLAGS } from "./serve_flags.ts";

type ServeFlags = Flags<typeof SERVE_FLAGS>;

/** `chat serve`: runs until SIGINT or SIGTERM. */
export const serve: Command = defineCommand({
  name: "serve",
  usage: "[options]",
  description: "Starts a chat server and prints how to join it.",
  flags: SERVE_FLAGS,
  helpColumn: 29,
  run: ({ flags }) => runServer(flags),
});

async function runServer(flags: ServeFlags): Promise<number> {
  const port = flags.port;
  // The web port follows the chat port (7777 → 7778), and is any free one when that is.
  const webPort = !flags.web ? undefined : flags["web-port"] ?? (port === 0 ? 0 : port + 1);
  const handshakeTimeoutMs = 1000 * flags["handshake-timeout"];
  const dataDir = absolute(flags["data-dir"]);
  const hostname = flags.host;

  if (flags.yes && !flags.wipe) {
    throw new CliError(
      "--yes only confirms --wipe; add --wipe, or leave --yes out.",
      ExitCode.USAGE,
    );
  }
  if (flags.wipe && !flags.yes && !Deno.stdin.isTerminal()) {
    throw new CliError(
      "--wipe deletes every message and file for good: add --yes to confirm when there is no terminal to ask on.",
      ExitCode.USAGE,
    );
  }
  const name = flags.name ?? defaultServiceName();
  const nameProblem = serviceNameProblem(name);
  if (nameProblem !== undefined) throw new CliError(`${nameProblem} Check --name.`, ExitCode.USAGE);

  try {
    await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CliError(`Cannot create the data dir ${dataDir}: ${errorReason(error)}.`);
  }
  const passkey = await choosePasskey(flags, dataDir);
  const tls = await chooseCertificate(flags, dataDir);
  const log = flags.quiet
    ? () => {}
    : (line: string) => console.error(`${new Date().toISOString()} ${line}`);
  if (flags.wipe) await wipe(dataDir, { confirmed: flags.yes, log });
  if (flags.retain !== undefined) {
    log(
      `keeping history for ${formatDuration(flags.retain)}: older messages and files are deleted`,
    );
  }

  let server;
  try {
    server = await startServer({
      hostname,
      port,
      dataDir,
      passkey: passkey.value,
      historyLimit: flags.history,
      maxMessageBytes: flags["max-message-bytes"],
      maxFileBytes: flags["max-file-size"],
      rate: { perSecond: flags.rate, burst: flags.burst },
      maxConnections: flags["max-connections"],
      maxConnectionsPerAddress: flags["max-connections-per-address"],
      handshakeTimeoutMs,
      tls,
      fingerprint: tls?.fingerprint,
      webPort,
      inviteTtlMs: flags["invite-ttl"],
      announceAs: flags.announce ? name : undefined,
      retainMs: flags.retain,
      nats: natsServers(flags.nats),
      nodeName: flags["node-name"],
      privateMessages: flags.private,
      files: flags.files,
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
    throw new CliError(`Cannot start the server: ${errorReason(error)}.`);
  }

  if (flags["release-nick"] !== undefined) {
    const nick = flags["release-nick"];
    const released = await server.releaseNick(nick);
    log(released ? `released the nick ${nick}: anyone may take it now` : `nobody owned ${nick}`);
  }
  const invite = server.webPort === undefined ? undefined : await server.invite();
  printBanner({
    hostname,
    port: server.port,
    webPort: server.webPort,
    dataDir,
    passkey,
    tls,
    invite,
    qr: flags.qr,
    announcedAs: server.announcedOn.length > 0 ? name : undefined,
  });
  log(`listening on ${hostname}:${server.port}`);
  if (server.announcedOn.length > 0) {
    log(`announced on the network as "${name}" on ${server.announcedOn.join(", ")}`);
  }

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

/**
 * `--wipe`: asks on the terminal unless `--yes` confirmed it, then empties the data dir's
 * history (wipeDataDir() says what stays).
 */
async function wipe(
  dataDir: string,
  options: { confirmed: boolean; log: (line: string) => void },
): Promise<void> {
  if (!options.confirmed) {
    const answer = prompt(
      `This deletes every message, file, read marker and resumable session in ${dataDir} for ` +
        "good (the passkey, certificate, devices and nicks stay). Type yes to go on:",
    );
    if (answer?.trim().toLowerCase() !== "yes") {
      throw new CliError('Nothing was wiped: the answer was not "yes".');
    }
  }
  try {
    const { events, files } = await wipeDataDir(dataDir);
    options.log(`wiped ${dataDir}: deleted ${events} events and ${files} files for good`);
  } catch (error) {
    if (error instanceof StoreVersionError) throw new CliError(error.message);
    throw new CliError(`Cannot wipe ${dataDir}: ${errorReason(error)}.`);
  }
}

async function choosePasskey(
  flags: ServeFlags,
  dataDir: string,
): Promise<{ value: string; origin: string }> {
  const fromFlag = flags.passkey;
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
      rotate: flags["new-passkey"],
    });
    return {
      value: passkey,
      origin: source === "generated" ? "new, saved in the data dir" : "saved in the data dir",
    };
  } catch (error) {
    throw new CliError(`Cannot read or write the passkey in ${dataDir}: ${errorReason(error)}.`);
  }
}

async function chooseCertificate(
  flags: ServeFlags,
  dataDir: string,
): Promise<TlsCertificate | undefined> {
  const certFile = flags["tls-cert"];
  const keyFile = flags["tls-key"];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CliError("Give both --tls-cert and --tls-key, or neither.", ExitCode.USAGE);
  }
  if (!flags.tls && certFile === undefined) return undefined;
  try {
    return await loadOrCreateCertificate(dataDir, { certFile, keyFile });
  } catch (error) {
    throw new CliError(`Cannot use the TLS certificate: ${errorReason(error)}.`);
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

/**
 * The NATS servers of `--nats`: a comma-separated list of `nats://host:port` (or `host:port`,
 * or `host` for the default port 4222). Undefined without the flag.
 */
export function natsServers(flag: string | undefined): string[] | undefined {
  if (flag === undefined) return undefined;
  const urls = flag.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (urls.length === 0) {
    throw new CliError("--nats needs at least one server, such as nats://10.0.0.1:4222.");
  }
  return urls.map((url) => {
    const withScheme = /^[a-z]+:\/\//.test(url) ? url : `nats://${url}`;
    let parsed: URL;
    try {
      parsed = new URL(withScheme);
    } catch {
      throw new CliError(`--nats: ${url} is not a server address such as nats://10.0.0.1:4222.`);
    }
    if (parsed.protocol !== "nats:" && parsed.protocol !== "tls:") {
      throw new CliError(`--nats: ${url} is not a nats:// address.`);
    }
    return `${parsed.protocol}//${parsed.host}${parsed.port === "" ? ":4222" : ""}`;
  });
}
