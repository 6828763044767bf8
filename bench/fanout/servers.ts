/**
 * The servers of the fan-out benchmark: `chat serve` from source, and the references ngircd
 * and InspIRCd 3 (Debian packages) with generated configurations on 127.0.0.1 whose
 * connection, flood and fake-lag limits are raised out of the way.
 *
 * @module
 */
import { join } from "@std/path";
import { unusedPort } from "../../tests/support/mod.ts";
import { launch, type Server, startServer } from "../shared/processes.ts";

/** A running server; disposing stops it (SIGTERM, then SIGKILL after 5 s). */
export type RunningServer = Server;

/** The `chat serve` options that take its limits out of the measurement. */
export const CHAT_ARGS: readonly string[] = [
  "--no-web",
  ...["--max-connections", "0", "--max-connections-per-address", "0"],
  ...["--rate", "100000", "--burst", "100000", "--history", "1"],
];

/** `chat serve` from source; `cpuProfileDir` makes V8 write a CPU profile there at exit. */
export async function startChat(
  options: { dataDir: string; passkey: string; cpuProfileDir?: string },
): Promise<RunningServer> {
  const runtimeFlags = options.cpuProfileDir === undefined
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`];
  const server = await startServer({
    dataDir: options.dataDir,
    passkey: options.passkey,
    args: CHAT_ARGS,
    runtimeFlags,
  });
  return server;
}

/** ngircd's configuration; `MaxPenaltyTime = 0` turns its per-command flood penalty off. */
export function ngircdConfig(port: number | string): string {
  return `[Global]
Name = bench.local
Info = fan-out benchmark
Listen = 127.0.0.1
Ports = ${port}
MotdPhrase = bench

[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 16
MaxPenaltyTime = 0
PingTimeout = 600
PongTimeout = 600

[Options]
DNS = no
Ident = no
PAM = no
`;
}

/** InspIRCd 3's configuration: no DNS or ident, fake lag off, every per-class limit huge. */
export function inspircdConfig(port: number | string): string {
  const big = 1_000_000;
  return `<server name="bench.local" description="fan-out benchmark" network="bench">
<admin name="bench" nick="bench" email="bench@bench.local">
<bind address="127.0.0.1" port="${port}" type="clients">
<connect name="bench" allow="*" timeout="600" pingfreq="600" hardsendq="${big * 100}"
  softsendq="${big * 100}" recvq="${big}" threshold="${big}" commandrate="${big}" fakelag="no"
  localmax="${big}" globalmax="${big}" maxconnwarn="no" limit="${big}" maxchans="20"
  resolvehostnames="no" useident="no">
<performance softlimit="${big}" somaxconn="4096" clonesonconnect="no" quietbursts="yes">
<security hidesplits="no" maxtargets="20">
`;
}

/** ngircd in the foreground with {@linkcode ngircdConfig}. */
export async function startNgircd(tmp: string): Promise<RunningServer> {
  const port = unusedPort();
  const file = join(tmp, "ngircd.conf");
  await Deno.writeTextFile(file, ngircdConfig(port));
  return await launch("ngircd", ["ngircd", "--nodaemon", "--config", file], port);
}

/** InspIRCd 3 in the foreground, as root, with {@linkcode inspircdConfig}. */
export async function startInspircd(tmp: string): Promise<RunningServer> {
  const port = unusedPort();
  const file = join(tmp, "inspircd.conf");
  await Deno.writeTextFile(file, inspircdConfig(port));
  const argv = ["inspircd", "--runasroot", "--nofork", "--nopid", "--nolog", "--config", file];
  return await launch("inspircd", argv, port);
}

/** The version line of an installed server, or undefined when it is missing. */
export async function serverVersion(command: "ngircd" | "inspircd"): Promise<string | undefined> {
  try {
    const { stdout } = await new Deno.Command(command, {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(stdout).split("\n")[0].trim();
  } catch {
    return undefined;
  }
}
