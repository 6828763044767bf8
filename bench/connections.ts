/**
 * Connection benchmark (issue target 3): N authenticated clients held in one room by `chat serve`,
 * its RSS per connection above its idle baseline, and the time for one message to reach all N;
 * the same with ngircd and InspIRCd as references, in the same run, on this machine.
 *
 * ```sh
 * deno task bench:connections                 # N = 10,000
 * deno task bench:connections --short         # N = 2,000
 * deno task bench:connections --write         # and replace its section of bench/RESULTS.md
 * ```
 *
 * Runs with `--allow-all`: reading `/proc/<pid>/status` and `/proc/net/tcp` needs it, and a
 * program that spawns processes has every power anyway.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import {
  chatBeforeLogin,
  type ConnectionsReport,
  measure,
  type MeasureOptions,
  PASSKEY,
  renderConnections,
  type ServerRun,
  STARTERS,
} from "./connections/mod.ts";
import {
  asTyped,
  type Daemon,
  describeCode,
  describeMachine,
  ensureDebianPackages,
  log,
  runMain,
  writeSection,
} from "./shared/mod.ts";

const USAGE = `Usage: deno task bench:connections [--connections N | --short] [options]

  --connections N    clients held at once (default 10000)
  --short            a quick run: --connections 2000
  --concurrency N    connections being opened at once (default 200)
  --servers LIST     comma-separated: chat, ngircd, inspircd (default all three)
  --timeout S        seconds the one message may take to reach everyone (default 120)
  --write            replace the connections section of bench/RESULTS.md`;

async function main(): Promise<number> {
  const args = parseArgs(Deno.args, {
    string: ["connections", "concurrency", "servers", "timeout"],
    boolean: ["short", "write", "help"],
    default: {
      connections: "10000",
      concurrency: "200",
      servers: "chat,ngircd,inspircd",
      timeout: "120",
    },
  });
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const connections = args.short ? 2000 : Number(args.connections);
  const concurrency = Number(args.concurrency);
  const timeoutS = Number(args.timeout);
  const servers = String(args.servers).split(",").map((name) => name.trim());
  if (
    !Number.isInteger(connections) || connections < 2 || !Number.isInteger(concurrency) ||
    concurrency < 1 || !(timeoutS > 0) ||
    servers.some((name) => !["chat", "ngircd", "inspircd"].includes(name))
  ) {
    console.error(USAGE);
    return 2;
  }
  const installFailure = await ensureDebianPackages(servers.filter((name) => name !== "chat"));
  if (installFailure !== undefined) {
    console.error(installFailure);
    return 2;
  }
  const options: MeasureOptions = {
    connections,
    concurrency,
    settleMs: 2000,
    broadcastTimeoutMs: timeoutS * 1000,
  };
  const tmp = await Deno.makeTempDir({ prefix: "chat-bench-connections-" });
  try {
    const runs: ServerRun[] = [];
    const commands: string[] = [];
    const skipped: string[] = [];
    for (const server of servers) {
      const start = STARTERS[server];
      let daemon: Daemon;
      try {
        daemon = await start.start(tmp);
      } catch (error) {
        log(`${server} could not start: ${(error as Error).message}`);
        skipped.push(`${server} (${(error as Error).message.split("\n")[0]})`);
        continue;
      }
      try {
        commands.push(...describeCommand(daemon, tmp));
        const run = await measure(start.leg(daemon), options);
        if (server === "chat") run.beforeLogin = await chatBeforeLogin(tmp, options);
        runs.push(run);
      } catch (error) {
        log(`${daemon.name} failed: ${(error as Error).message}\n${daemon.output()}`);
        skipped.push(`${daemon.name} (${(error as Error).message.split("\n")[0]})`);
      } finally {
        await daemon[Symbol.asyncDispose]();
      }
    }
    const report: ConnectionsReport = {
      date: new Date().toISOString(),
      connections,
      concurrency,
      machine: await describeMachine(tmp),
      code: await describeCode(),
      invocation: ["deno task bench:connections", ...Deno.args].join(" "),
      commands,
      runs,
      skipped,
    };
    const markdown = renderConnections(report);
    console.log(`\n${markdown}\n`);
    if (args.write) {
      const written = await writeSection("bench:connections", markdown);
      console.log(`Wrote ${written}.`);
    }
    return runs.some((run) => run.name === "chat serve") ? 0 : 1;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** The server's command line (and configuration) as one would type it in the project folder. */
function describeCommand(daemon: Daemon, tmp: string): string[] {
  const line = asTyped(daemon.argv)
    .replaceAll(PASSKEY, "KEY")
    .replaceAll(tmp, "TMP");
  const config = daemon.config === undefined ? [] : [
    `# ${daemon.name}'s configuration file:`,
    ...daemon.config.trimEnd().replaceAll(tmp, "TMP")
      .replace(/\b(Ports = |port=")\d+/g, "$1PORT").split("\n").map((row) => `#   ${row}`),
  ];
  return [...config, line];
}

if (import.meta.main) await runMain(main);
