/**
 * The reference IRC servers, ngircd and InspIRCd 3 (Debian packages), as the fan-out and the
 * connection benchmarks run them: on 127.0.0.1, in the foreground, from a generated
 * configuration with no DNS or ident look-ups and every connection limit out of the way. The
 * two benchmarks differ in a few settings, named in {@linkcode NgircdSettings} and
 * {@linkcode InspircdSettings}; the rest is written once here so that they cannot drift apart
 * by accident.
 *
 * @module
 */
import { unusedPort } from "../../tests/support/mod.ts";
import { launch, type Launched } from "./launch.ts";

/** A running server; disposing stops it (SIGTERM, then SIGKILL after 5 s). */
export interface Daemon extends Launched {
  /** The generated configuration file's text, if it has one. */
  config?: string;
}

/** What a benchmark sets in ngircd's configuration beyond the common part. */
export interface NgircdSettings {
  /** `Info`: which benchmark the server is for. */
  info: string;
  /** `PidFile`, when the benchmark wants one. */
  pidFile?: string;
  /** `MaxPenaltyTime`: 0 turns ngircd's per-command flood penalty off. */
  maxPenaltyTime?: number;
}

/** ngircd's configuration, listening on `port` (a number, or a placeholder for reports). */
export function ngircdConfig(port: number | string, settings: NgircdSettings): string {
  const pidFile = settings.pidFile === undefined ? "" : `PidFile = ${settings.pidFile}\n`;
  const penalty = settings.maxPenaltyTime === undefined
    ? ""
    : `MaxPenaltyTime = ${settings.maxPenaltyTime}\n`;
  return `[Global]
Name = bench.local
Info = ${settings.info}
Listen = 127.0.0.1
Ports = ${port}
MotdPhrase = bench
${pidFile}
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 16
${penalty}PingTimeout = 600
PongTimeout = 600

[Options]
DNS = no
Ident = no
PAM = no
`;
}

/** What a benchmark sets in InspIRCd's configuration beyond the common part. */
export interface InspircdSettings {
  /** The server's `description`: which benchmark it is for. */
  description: string;
  /** The connect class's `recvq`: bytes of a client's input the server buffers. */
  recvq: number;
  /** Further tags, written before `<security>` (channel limits, a pid file, a log). */
  tags?: readonly string[];
}

/** InspIRCd 3's configuration: fake lag off, every per-class limit huge. */
export function inspircdConfig(port: number | string, settings: InspircdSettings): string {
  const big = 1_000_000;
  const tags = (settings.tags ?? []).map((tag) => `${tag}\n`).join("");
  return `<server name="bench.local" description="${settings.description}" network="bench">
<admin name="bench" nick="bench" email="bench@bench.local">
<bind address="127.0.0.1" port="${port}" type="clients">
<connect name="bench" allow="*" timeout="600" pingfreq="600" hardsendq="${big * 100}"
  softsendq="${
    big * 100
  }" recvq="${settings.recvq}" threshold="${big}" commandrate="${big}" fakelag="no"
  localmax="${big}" globalmax="${big}" maxconnwarn="no" limit="${big}" maxchans="20"
  resolvehostnames="no" useident="no">
<performance softlimit="${big}" somaxconn="4096" clonesonconnect="no" quietbursts="yes">
${tags}<security hidesplits="no" maxtargets="20">
`;
}

/**
 * Writes `config(port)` for a fresh port to `file`, starts `argv` and waits until it listens
 * on that port; the daemon keeps the configuration's text for the report.
 */
export async function launchConfigured(
  name: string,
  options: { file: string; config: (port: number) => string; argv: readonly string[] },
): Promise<Daemon> {
  const port = unusedPort();
  const config = options.config(port);
  await Deno.writeTextFile(options.file, config);
  return Object.assign(await launch(name, options.argv, port), { config });
}
