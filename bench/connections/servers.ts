/**
 * The servers the connection benchmark holds connections to: `chat serve` from source, and the
 * references ngircd and InspIRCd (Debian packages), each with a generated configuration on
 * 127.0.0.1 without limits on connections and without DNS or ident look-ups.
 *
 * @module
 */
import { join } from "@std/path";
import { cliArgv } from "../../tests/support/mod.ts";
import {
  type Daemon,
  inspircdConfig,
  joinLinePort,
  launch,
  launchConfigured,
  ngircdConfig,
} from "../shared/mod.ts";

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
export function startNgircd(tmp: string): Promise<Daemon> {
  const file = join(tmp, "ngircd.conf");
  const settings = { info: "connection benchmark", pidFile: join(tmp, "ngircd.pid") };
  return launchConfigured("ngircd", {
    file,
    config: (port) => ngircdConfig(port, settings),
    argv: ["ngircd", "--nodaemon", "--config", file],
  });
}

/**
 * InspIRCd 3 in the foreground, as root, with every per-class limit raised out of the way but
 * an ordinary receive queue, and its pid file and a sparse log in `tmp`.
 */
export function startInspircd(tmp: string): Promise<Daemon> {
  const file = join(tmp, "inspircd.conf");
  const settings = {
    description: "connection benchmark",
    recvq: 65536,
    tags: [
      `<channels users="100" opers="100">`,
      `<pid file="${join(tmp, "inspircd.pid")}">`,
      `<log method="file" type="* -USERINPUT -USEROUTPUT" level="sparse" target="${
        join(tmp, "inspircd.log")
      }">`,
    ],
  };
  return launchConfigured("InspIRCd", {
    file,
    config: (port) => inspircdConfig(port, settings),
    argv: ["inspircd", "--runasroot", "--nofork", "--config", file],
  });
}
