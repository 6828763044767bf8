/**
 * The servers of the fan-out benchmark: `chat serve` from source, and the references ngircd
 * and InspIRCd 3 (Debian packages) with generated configurations on 127.0.0.1 whose
 * connection, flood and fake-lag limits are raised out of the way; and how the report shows
 * their command lines and configurations.
 *
 * @module
 */
import { join } from "@std/path";
import { cliArgv } from "../../tests/support/mod.ts";
import type { Workload } from "./run.ts";
import {
  asTyped,
  inspircdConfig,
  type InspircdSettings,
  launchConfigured,
  ngircdConfig,
  type NgircdSettings,
  type Server,
  startServer,
} from "../shared/mod.ts";

/** A running server; disposing stops it (SIGTERM, then SIGKILL after 5 s). */
export type RunningServer = Server;

/** The servers the benchmark compares, in the order each run starts them. */
export const SERVERS = ["chat", "ngircd", "inspircd"] as const;

/** One of {@linkcode SERVERS}. */
export type ServerName = typeof SERVERS[number];

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

/** ngircd's settings; `MaxPenaltyTime = 0` turns its per-command flood penalty off. */
export const NGIRCD: NgircdSettings = { info: "fan-out benchmark", maxPenaltyTime: 0 };

/** InspIRCd's settings: a receive queue as huge as its other limits. */
export const INSPIRCD: InspircdSettings = { description: "fan-out benchmark", recvq: 1_000_000 };

/** ngircd in the foreground with {@linkcode NGIRCD}. */
export function startNgircd(tmp: string): Promise<RunningServer> {
  const file = join(tmp, "ngircd.conf");
  return launchConfigured("ngircd", {
    file,
    config: (port) => ngircdConfig(port, NGIRCD),
    argv: ["ngircd", "--nodaemon", "--config", file],
  });
}

/** InspIRCd 3 in the foreground, as root, with {@linkcode INSPIRCD}. */
export function startInspircd(tmp: string): Promise<RunningServer> {
  const file = join(tmp, "inspircd.conf");
  return launchConfigured("inspircd", {
    file,
    config: (port) => inspircdConfig(port, INSPIRCD),
    argv: ["inspircd", "--runasroot", "--nofork", "--nopid", "--nolog", "--config", file],
  });
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

/**
 * Starts server `name` for one run of `workload`, in a directory of its own under `tmp` (a
 * fresh data directory for chat, the generated configuration for the IRC servers).
 */
export function startNamed(
  name: ServerName,
  options: {
    tmp: string;
    passkey: string;
    workload: Workload;
    run: number;
    cpuProfileDir?: string;
  },
): Promise<RunningServer> {
  const dir = join(options.tmp, `${name}-${options.workload.rate}-${options.run}`);
  Deno.mkdirSync(dir);
  switch (name) {
    case "chat":
      return startChat({
        dataDir: dir,
        passkey: options.passkey,
        cpuProfileDir: options.cpuProfileDir,
      });
    case "ngircd":
      return startNgircd(dir);
    case "inspircd":
      return startInspircd(dir);
  }
}

/** The command line of each server in `servers` as a reader would type it, for the report. */
export function serverCommands(servers: readonly ServerName[], profiled: boolean): string[] {
  const lines: string[] = [];
  if (servers.includes("chat")) {
    const serve = [
      ...["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", "$TMP/chat-RATE-RUN"],
      ...["--passkey", "PASSKEY", "--quiet", ...CHAT_ARGS],
    ];
    lines.push(asTyped(cliArgv(serve, {
      runtimeFlags: profiled ? ["--cpu-prof", "--cpu-prof-dir=DIR"] : [],
    })));
  }
  if (servers.includes("ngircd")) lines.push("ngircd --nodaemon --config $TMP/ngircd.conf");
  if (servers.includes("inspircd")) {
    lines.push("inspircd --runasroot --nofork --nopid --nolog --config $TMP/inspircd.conf");
  }
  return lines;
}

/** The generated configuration files of the IRC servers in `servers`, with `PORT` for the port. */
export function serverConfigs(servers: readonly ServerName[]): { name: string; text: string }[] {
  return [
    { name: "$TMP/ngircd.conf", text: ngircdConfig("PORT", NGIRCD) },
    { name: "$TMP/inspircd.conf", text: inspircdConfig("PORT", INSPIRCD) },
  ].filter((config) => servers.some((server) => config.name.includes(server)));
}
