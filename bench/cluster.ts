/**
 * Cluster benchmark (issue 17): the fan-out workloads against three `chat serve --nats` nodes on
 * three nats-servers (JetStream, 3 replicas), beside one `chat serve` alone in the same run;
 * then faults under load (a chat node killed, the stream leader's nats-server killed, two of
 * three nats-servers down), each counted by event id per client. Exits with 1 when an
 * acknowledged message was lost or anything was delivered or stored twice.
 *
 * ```sh
 * deno task bench:cluster              # full: 1,000 clients, 50 and 800 messages/s, 10 s each
 * deno task bench:cluster --short      # 200 clients, 20 and 200 messages/s, 5 s each
 * deno task bench:cluster --write      # and replace the mode's section of bench/RESULTS.md
 * ```
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { join } from "@std/path";
import { cliArgv } from "../tests/support/mod.ts";
import {
  type Cluster,
  type ClusterRun,
  DeliveryLedger,
  FailoverChatAdapter,
  failures,
  type FaultName,
  FAULTS,
  injectFault,
  nodeArgs,
  renderCluster,
  startCluster,
} from "./cluster/mod.ts";
import { CHAT_ARGS, runWorkload, summarize, type Workload } from "./fanout/mod.ts";
import {
  asTyped,
  describeCode,
  describeMachine,
  log,
  runMain,
  type Server,
  startServer,
  waitForQuiet,
  writeSection,
} from "./shared/mod.ts";

const USAGE = `Usage: deno task bench:cluster [--short] [options]

  --short            200 clients, 20 and 200 messages/s, 5 s each (warm-up 2 s), faults in
                     10 s windows (default: 1,000 clients, 50 and 800 messages/s, 10 s each,
                     warm-up 3 s, faults in 20 s windows)
  --clients N        clients in the room
  --rates R,R        total messages per second of each workload
  --seconds S        length of each measured window
  --warmup S         length of the warm-up before each window
  --fault-rate R     messages per second during the faults (default: the highest rate)
  --fault-seconds S  length of each fault's window
  --faults LIST      which of ${FAULTS.join(",")} to do (default all; "none" for none)
  --wait-quiet S     wait up to S seconds for other work on the machine to stop (default 30)
  --write            replace this mode's section of bench/RESULTS.md`;

/** When a fault starts in its window, and how long nats-servers stay down. */
const FAULT_AT_MS = 2_500;
const DOWN_MS = 4_000;
/** How long a run waits after its window for the `ack`s still on their way. */
const ACK_WAIT_MS = 10_000;
/** Log lines of every login, start and stop, left out of the report (logins are counted). */
const ROUTINE_LINE = / connected from |listening on |SIGTERM received, shutting down$| stopped$/;

async function main(): Promise<number> {
  const args = parseArgs(Deno.args, {
    string: [
      "clients",
      "rates",
      "seconds",
      "warmup",
      "fault-rate",
      "fault-seconds",
      "faults",
      "wait-quiet",
    ],
    boolean: ["short", "write", "help"],
    default: { "wait-quiet": "30" },
  });
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const short = args.short;
  const clients = Number(args.clients ?? (short ? 200 : 1000));
  const rates = String(args.rates ?? (short ? "20,200" : "50,800")).split(",").map(Number);
  const seconds = Number(args.seconds ?? (short ? 5 : 10));
  const warmupSeconds = Number(args.warmup ?? (short ? 2 : 3));
  const faultRate = Number(args["fault-rate"] ?? Math.max(...rates));
  const faultSeconds = Number(args["fault-seconds"] ?? (short ? 10 : 20));
  const faults = (args.faults === "none" ? [] : String(args.faults ?? FAULTS.join(",")).split(
    ",",
  )) as FaultName[];
  const waitQuietMs = Number(args["wait-quiet"]) * 1000;
  if (
    !Number.isInteger(clients) || clients < 2 || rates.some((rate) => !(rate > 0)) ||
    !(seconds > 0) || !(warmupSeconds >= 0) || !(faultRate > 0) ||
    !(faultSeconds * 1000 > FAULT_AT_MS + DOWN_MS) || !(waitQuietMs >= 0) ||
    faults.some((fault) => !FAULTS.includes(fault))
  ) {
    console.error(USAGE);
    return 2;
  }
  const natsVersion = await natsServerVersion();
  if (natsVersion === undefined) {
    console.error("nats-server is not installed; install it with: apt-get install -y nats-server");
    return 2;
  }
  const tmp = await Deno.makeTempDir({ prefix: "chat-cluster-" });
  try {
    const passkey = `bench-${crypto.randomUUID()}`;
    const runs: ClusterRun[] = [];
    let count = 0;
    const measure = async (
      target: ClusterRun["target"],
      workload: Workload,
      fault?: FaultName,
    ) => {
      await waitForQuiet(waitQuietMs);
      const dir = join(tmp, `run-${++count}`);
      await Deno.mkdir(dir);
      const name = `${target}, ${fault ?? workload.label}`;
      log(`${name}: starting`);
      const run = target === "cluster"
        ? await measureCluster({ dir, passkey, workload, fault })
        : await measureSingle({ dir, passkey, workload });
      log(summarize({ ...run.result, server: target }));
      const { check } = run;
      log(
        `${name}: acknowledged ${check.acked}, never acknowledged ${run.unacked}, missing ` +
          `acknowledged ${check.missingAcked}, same id twice ${check.duplicateIds}, stored ` +
          `twice ${check.storedTwice.length}, reconnects ${check.reconnects}, longest silence ` +
          `${check.longestSilence.ms.toFixed(0)} ms (f${check.longestSilence.client})`,
      );
      for (const line of run.timeline) log(`${name}: ${line}`);
      runs.push(run);
    };
    for (const rate of rates) {
      const workload = { label: `${rate} msg/s`, clients, rate, seconds, warmupSeconds };
      await measure("single node", workload);
      await measure("cluster", workload);
    }
    const faultWorkload = {
      label: `${faultRate} msg/s`,
      clients,
      rate: faultRate,
      seconds: faultSeconds,
      warmupSeconds,
    };
    for (const fault of faults) await measure("cluster", faultWorkload, fault);

    const report = {
      date: new Date().toISOString(),
      mode: isCustom(args) ? "custom" as const : short ? "short" as const : "full" as const,
      invocation: ["deno task bench:cluster", ...Deno.args].join(" "),
      code: await describeCode(),
      machine: await describeMachine(tmp),
      natsVersion,
      commands: commands(),
      runs,
    };
    const markdown = renderCluster(report);
    console.log(`\n${markdown}\n`);
    if (args.write) {
      console.log(`Wrote ${await writeSection(`bench:cluster ${report.mode}`, markdown)}.`);
    }
    const found = failures(runs);
    for (const line of found) console.error(`FAILED: ${line}`);
    return found.length === 0 ? 0 : 1;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** One workload against one `chat serve` alone. */
async function measureSingle(
  options: { dir: string; passkey: string; workload: Workload },
): Promise<ClusterRun> {
  const logFile = join(options.dir, "chat.log");
  await using server: Server = await startServer({
    dataDir: join(options.dir, "data"),
    passkey: options.passkey,
    args: CHAT_ARGS,
    logFile,
  });
  const ledger = new DeliveryLedger(options.workload.clients);
  const adapter = new FailoverChatAdapter({
    passkey: options.passkey,
    ports: [server.port],
    ledger,
  });
  const result = await runWorkload(adapter, {
    server: "single node",
    serverPid: server.pid,
    port: server.port,
    workload: options.workload,
    duringWindow: () => Promise.resolve(ledger.startWindow()),
    afterWindow: () => adapter.acknowledged(ACK_WAIT_MS),
  });
  return {
    target: "single node",
    result,
    check: ledger.check(),
    unacked: adapter.unacknowledged,
    timeline: [],
    logs: await logLines([logFile], ["chat"]),
  };
}

/** One workload against a fresh cluster, with `fault` done during its window. */
async function measureCluster(
  options: { dir: string; passkey: string; workload: Workload; fault?: FaultName },
): Promise<ClusterRun> {
  const cluster: Cluster = await startCluster({ dir: options.dir, passkey: options.passkey });
  let run: Omit<ClusterRun, "logs">;
  try {
    const ledger = new DeliveryLedger(options.workload.clients);
    const adapter = new FailoverChatAdapter({
      passkey: options.passkey,
      ports: cluster.ports,
      ledger,
    });
    let timeline: string[] = [];
    const { fault } = options;
    const result = await runWorkload(adapter, {
      server: "cluster",
      serverPid: cluster.nodes[0]!.pid,
      port: cluster.ports[0],
      workload: options.workload,
      processes: () => cluster.processes(),
      duringWindow: async () => {
        ledger.startWindow();
        if (fault !== undefined) {
          timeline = await injectFault(fault, cluster, { atMs: FAULT_AT_MS, downMs: DOWN_MS });
        }
      },
      afterWindow: () => adapter.acknowledged(ACK_WAIT_MS),
      drain: fault === undefined
        ? { stallMs: 5_000, maxMs: 120_000 }
        : { stallMs: 15_000, maxMs: 180_000 },
    });
    run = {
      target: "cluster",
      fault,
      result,
      check: ledger.check(),
      unacked: adapter.unacknowledged,
      timeline,
    };
  } finally {
    // The nodes' logs are whole once they have exited.
    await cluster[Symbol.asyncDispose]();
  }
  return { ...run, logs: await logLines(cluster.logs, ["c1", "c2", "c3"]) };
}

/** The lines of each log file but logins, which are counted, prefixed with its node's name. */
async function logLines(files: readonly string[], names: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const text = await Deno.readTextFile(files[i]).catch(() => "");
    let logins = 0;
    for (const line of text.split("\n")) {
      if (ROUTINE_LINE.test(line)) logins += line.includes(" connected from ") ? 1 : 0;
      else if (line.trim() !== "") lines.push(`${names[i]}: ${line}`);
    }
    lines.push(`${names[i]}: (${logins} logins logged)`);
  }
  return lines;
}

/** The command lines the benchmark runs, as a reader would type them, for the report. */
function commands(): string[] {
  const invocation = `deno task bench:cluster ${Deno.args.join(" ")}`.trimEnd();
  const serve = (extra: string[], dir: string) =>
    asTyped(cliArgv([
      ...["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dir],
      ...["--passkey", "PASSKEY", ...extra],
    ]));
  return [
    invocation,
    "# the reference, for each workload:",
    serve(CHAT_ARGS as string[], "$TMP/data"),
    "# the cluster, for each workload and fault: three of",
    "nats-server -c $TMP/nN/nats.conf  # server_name nN, JetStream, cluster routes to all three",
    "# and three nodes (c1 first: it creates the stream), N = 1, 2, 3:",
    serve(
      nodeArgs(["nats://127.0.0.1:P1", "nats://127.0.0.1:P2", "nats://127.0.0.1:P3"], "cN"),
      "$TMP/cN",
    ),
  ];
}

/** Whether settings other than a mode's defaults were given: such a run has its own section. */
function isCustom(args: Record<string, unknown>): boolean {
  return ["clients", "rates", "seconds", "warmup", "fault-rate", "fault-seconds", "faults"].some(
    (name) => args[name] !== undefined,
  );
}

/** `nats-server --version`, or undefined when it is missing. */
async function natsServerVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await new Deno.Command("nats-server", { args: ["--version"] }).output();
    return new TextDecoder().decode(stdout).trim();
  } catch {
    return undefined;
  }
}

if (import.meta.main) await runMain(main);
