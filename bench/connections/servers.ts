/**
 * The servers the connection benchmark holds connections to: `chat serve` from source, and the
 * references ngircd and InspIRCd (Debian packages), each with a generated configuration on
 * 127.0.0.1 without limits on connections and without DNS or ident look-ups.
 *
 * @module
 */
import { join } from "@std/path";
import { cliArgv, unusedPort } from "../../tests/support/mod.ts";
import { joinLinePort, launch, type Launched } from "../shared/processes.ts";

/** A running server; disposing stops it (SIGTERM, then SIGKILL after 5 s). */
export interface Daemon extends Launched {
  /** The generated configuration file's text, if it has one. */
  config?: string;
}

/** `chat serve` from source, as the benchmark runs it (no limits that would interfere). */
export function startChat(
  options: { dataDir: string; passkey: string; handshakeTimeoutS: number },
): Promise<Daemon> {
  const argv = cliArgv([
    "serve",
    ...["--host", "127.0.0.1", "--port", "0", "--data-dir", options.dataDir],
    ...["--passkey", options.passkey, "--quiet", "--no-web"],
    ...["--max-connections", "0", "--max-connections-per-address", "0"],
    ...["--rate", "100000", "--burst", "100000", "--history", "1"],
    // Only so that connections can be held before `hello`, to split the memory of a socket
    // from that of a session; it changes nothing once they have logged in.
    ...["--handshake-timeout", String(options.handshakeTimeoutS)],
  ]);
  return launch("chat serve", argv, joinLinePort);
}

/** ngircd in the foreground (`-n`), with the configuration the issue describes. */
export async function startNgircd(tmp: string): Promise<Daemon> {
  const port = unusedPort();
  const file = join(tmp, "ngircd.conf");
  const config = `[Global]
Name = bench.local
Info = connection benchmark
Listen = 127.0.0.1
Ports = ${port}
MotdPhrase = bench
PidFile = ${join(tmp, "ngircd.pid")}

[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 16
PingTimeout = 600
PongTimeout = 600

[Options]
DNS = no
Ident = no
PAM = no
`;
  await Deno.writeTextFile(file, config);
  const argv = ["ngircd", "--nodaemon", "--config", file];
  return Object.assign(await launch("ngircd", argv, port), { config });
}

/** InspIRCd 3 in the foreground, as root, with every per-class limit raised out of the way. */
export async function startInspircd(tmp: string): Promise<Daemon> {
  const port = unusedPort();
  const file = join(tmp, "inspircd.conf");
  const big = 1_000_000;
  const config = `<server name="bench.local" description="connection benchmark" network="bench">
<admin name="bench" nick="bench" email="bench@bench.local">
<bind address="127.0.0.1" port="${port}" type="clients">
<connect name="bench" allow="*" timeout="600" pingfreq="600" hardsendq="${big * 100}"
  softsendq="${big * 100}" recvq="65536" threshold="${big}" commandrate="${big}" fakelag="no"
  localmax="${big}" globalmax="${big}" maxconnwarn="no" limit="${big}" maxchans="20"
  resolvehostnames="no" useident="no">
<performance softlimit="${big}" somaxconn="4096" clonesonconnect="no" quietbursts="yes">
<channels users="100" opers="100">
<pid file="${join(tmp, "inspircd.pid")}">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="sparse" target="${
    join(tmp, "inspircd.log")
  }">
<security hidesplits="no" maxtargets="20">
`;
  await Deno.writeTextFile(file, config);
  const argv = ["inspircd", "--runasroot", "--nofork", "--config", file];
  return Object.assign(await launch("InspIRCd", argv, port), { config });
}
