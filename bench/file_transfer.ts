/**
 * File-transfer benchmark: uploads and downloads one random file through `chat serve` on
 * loopback with the real CLI, then through the web client in Debian's Chromium (the page's file
 * input and WebSocket up, its Download link and Chromium's download manager down), copies the
 * same file over loopback with socat as the physical reference, and measures chat latency and
 * the memory of every process (Chromium's renderers included) meanwhile.
 *
 * ```sh
 * deno task bench:files                 # 1 GiB
 * deno task bench:files --short         # 64 MiB
 * deno task bench:files --size 4G --write
 * deno task bench:files --short --no-browser
 * ```
 *
 * The task runs with `--allow-all`: Deno lets only that read `/proc/<pid>/status` and
 * `/proc/net/tcp`, and a program that may spawn processes (`--allow-run`) has every power anyway.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { join } from "@std/path";
import { hashFile } from "../src/client/mod.ts";
import { cliArgv, writeRandomFile } from "../tests/support/mod.ts";
import {
  browserLegRows,
  browserLegs,
  browserPhases,
  hasSocat,
  LatencyProbe,
  leastDisturbed,
  type Leg,
  parseSize,
  renderReport,
  type RunReport,
  socatReference,
  timedCli,
  whenExists,
  writeResults,
} from "./files/mod.ts";
import {
  asTyped,
  describeCode,
  describeMachine,
  ensureDebianPackages,
  log,
  median,
  ProcSampler,
  run,
  runMain,
  sleep,
  startServer,
  waitForQuiet,
} from "./shared/mod.ts";

const USAGE = `Usage: deno task bench:files [--size 1G | --short] [options]

  --size SIZE        file size: bytes or K, M, G (powers of 1024); default 1G
  --short            a quick run: --size 64M
  --socat-runs N     socat copies to take the median of (default 5)
  --baseline-s S     seconds of chat latency measured with no transfer (default 5)
  --wait-quiet S     wait up to S seconds for other work on the machine to stop (default 60)
  --retries N        run a chat leg again up to N times while other processes disturb it
                     (more than 15 % of the CPUs); the least disturbed try counts (default 2)
  --no-browser       leave out the browser legs (upload and download through Chromium's page)
  --write            replace this size's section of bench/RESULTS.md`;

interface Settings {
  tmp: string;
  bytes: number;
  sizeLabel: string;
  socatRuns: number;
  baselineMs: number;
  waitQuietMs: number;
  retries: number;
  backgroundBusy: number;
  /** Whether to run the browser legs. */
  browser: boolean;
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args, {
    string: ["size", "socat-runs", "baseline-s", "wait-quiet", "retries"],
    boolean: ["short", "write", "help", "browser"],
    negatable: ["browser"],
    default: {
      size: "1G",
      "socat-runs": "5",
      "baseline-s": "5",
      "wait-quiet": "60",
      retries: "2",
      browser: true,
    },
  });
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const sizeLabel = args.short ? "64M" : String(args.size);
  const bytes = parseSize(sizeLabel);
  const socatRuns = Number(args["socat-runs"]);
  const baselineMs = Number(args["baseline-s"]) * 1000;
  const waitQuietMs = Number(args["wait-quiet"]) * 1000;
  const retries = Number(args.retries);
  if (
    !Number.isInteger(socatRuns) || socatRuns < 1 || !(baselineMs > 0) || !(waitQuietMs >= 0) ||
    !Number.isInteger(retries) || retries < 0
  ) {
    console.error(USAGE);
    return 2;
  }
  const installFailure = await ensureDebianPackages(
    args.browser ? ["socat", "chromium"] : ["socat"],
  );
  if (installFailure !== undefined || !(await hasSocat())) {
    console.error(installFailure ?? "socat is not installed; run apt-get install -y socat.");
    return 2;
  }

  const backgroundBusy = await waitForQuiet(waitQuietMs);
  const tmp = await Deno.makeTempDir({ prefix: "chat-bench-" });
  try {
    const report = await benchmark({
      tmp,
      bytes,
      sizeLabel,
      socatRuns,
      baselineMs,
      waitQuietMs,
      retries,
      backgroundBusy,
      browser: args.browser,
    });
    console.log(`\n${renderReport(report)}\n`);
    if (args.write) console.log(`Wrote ${await writeResults(report)}.`);
    const browserVerified = report.browser === undefined ||
      (report.browser.uploadVerified && report.browser.downloadVerified);
    return report.verified && browserVerified ? 0 : 1;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

async function benchmark(settings: Settings): Promise<RunReport> {
  const { tmp, bytes } = settings;
  const source = join(tmp, "source.bin");

  log(`writing ${bytes} random bytes to ${source}`);
  await writeRandomFile(source, bytes, { sync: true });
  let started = performance.now();
  const sha256 = await hashFile(source);
  const hashLeg: Leg = {
    name: "SHA-256 of the file alone (`hashFile`, what send-file does first)",
    seconds: (performance.now() - started) / 1000,
    bytes,
  };
  log(`sha256 ${sha256}`);

  const startupSeconds: number[] = [];
  for (let i = 0; i < 3; i++) {
    started = performance.now();
    await run(cliArgv(["get", "--help"]));
    startupSeconds.push((performance.now() - started) / 1000);
  }

  const socat = await socatReference(source, settings);

  const dataDir = join(tmp, "data");
  const passkey = `bench-${crypto.randomUUID().slice(0, 8)}`;
  await using server = await startServer({ dataDir, passkey, maxFileSize: "8T" });
  const address = `127.0.0.1:${server.port}`;
  const serverProc = new ProcSampler(server.pid);
  try {
    await using probe = await LatencyProbe.connect(server.port, passkey);
    serverProc.phase();
    log(`server on ${address}; chat latency with no transfer for ${settings.baselineMs} ms`);
    probe.start(50);
    const baselineFrom = performance.now();
    await sleep(settings.baselineMs);
    const baselineTo = performance.now();
    const serverIdle = serverProc.phase();

    const env = { CHAT_PASSKEY: passkey };
    const uploadMarker = join(dataDir, "files", "partial", `${sha256}-${bytes}.part`);
    const retry = { ours: [server.pid], ...settings };
    const upload = await leastDisturbed(
      () =>
        timedCli(
          ["send-file", address, source, "--nick", "bench"],
          uploadMarker,
          { env, cwd: tmp, serverPid: server.pid },
        ),
      {
        label: "upload: chat send-file",
        started: (signal) => whenExists(uploadMarker, { signal, intervalMs: 2 }),
        ...retry,
      },
    );
    const serverUpload = serverProc.phase();
    const id = Number(upload.stdout.trim().split("\n").at(-1));
    if (!Number.isSafeInteger(id)) {
      throw new Error(`send-file printed no file id:\n${upload.stdout}`);
    }

    const target = join(tmp, "download.bin");
    const downloadMarker = join(tmp, `.chat-${id}.part`);
    const download = await leastDisturbed(async () => {
      await Deno.remove(target).catch(() => {});
      return await timedCli(
        ["get", address, String(id), "-o", target, "--nick", "bench"],
        downloadMarker,
        { env, cwd: tmp, serverPid: server.pid },
      );
    }, {
      label: `download: chat get ${id}`,
      started: (signal) => whenExists(downloadMarker, { signal, intervalMs: 2 }),
      ...retry,
    });
    const serverDownload = serverProc.phase();

    const verified = (await Deno.stat(target)).size === bytes &&
      await hashFile(target) === sha256;
    log(verified ? "download verified" : "DOWNLOAD DIFFERS FROM THE SOURCE");
    await Deno.remove(target);

    const browser = settings.browser
      ? await browserLegs({
        source,
        sha256,
        bytes,
        tmp,
        server: { pid: server.pid, port: server.port, webUrl: server.webUrl!, passkey, dataDir },
        serverProc,
        retries: settings.retries,
        waitQuietMs: settings.waitQuietMs,
      })
      : undefined;
    await probe.stop();

    const legs: Leg[] = [
      {
        name: "upload, transfer only (`upload` → id printed, incl. server hash + fsync)",
        seconds: upload.transferSeconds,
        bytes,
        target: true,
        machine: upload.machine,
        attempts: upload.attempts,
      },
      {
        name: "upload, whole `send-file` command (startup + hashing + transfer)",
        seconds: upload.seconds,
        bytes,
      },
      {
        name: "download, transfer only (`.part` created → exit, incl. SHA-256 check + fsync)",
        seconds: download.transferSeconds,
        bytes,
        target: true,
        machine: download.machine,
        attempts: download.attempts,
      },
      { name: "download, whole `get -o` command", seconds: download.seconds, bytes },
      hashLeg,
      {
        name: "socat copy + fsync of the copy (for comparison: both chat legs fsync)",
        seconds: socat.medianSeconds + socat.medianSyncSeconds,
        bytes,
        durableReference: true,
      },
      {
        name: "CLI startup alone (`main.ts get --help`, median of 3)",
        seconds: median(startupSeconds),
        bytes: 0,
      },
      ...(browser === undefined ? [] : browserLegRows(browser, bytes)),
    ];
    const cli = (argv: readonly string[]) =>
      anonymize(`CHAT_PASSKEY=PASSKEY ${shellLine(argv, passkey, server.port)}`, tmp);
    return {
      date: new Date().toISOString(),
      sizeLabel: settings.sizeLabel,
      bytes,
      machine: await describeMachine(tmp),
      code: await describeCode(),
      invocation: ["deno task bench:files", ...Deno.args].join(" "),
      commands: [
        ...socat.medianCopy.argv.map((argv) => anonymize(argv.join(" "), tmp)),
        anonymize(shellLine(server.argv, passkey, server.port), tmp),
        cli(upload.argv),
        cli(download.argv).replace(` ${id} -o`, " ID -o"),
      ],
      socatSeconds: socat.copies.map((copy) => copy.seconds),
      reference: {
        name: "socat -b 1048576 over loopback (reference)",
        seconds: socat.medianSeconds,
        bytes,
        machine: socat.medianCopy.machine,
      },
      legs,
      latency: [
        { label: "no transfer", stats: probe.stats(baselineFrom, baselineTo) },
        { label: "upload", stats: probe.stats(upload.transferFrom, upload.transferTo) },
        { label: "download", stats: probe.stats(download.transferFrom, download.transferTo) },
        ...(browser === undefined ? [] : [
          {
            label: "browser upload",
            stats: probe.stats(browser.upload.transferFrom, browser.upload.transferTo),
          },
          {
            label: "browser download",
            stats: probe.stats(browser.download.transferFrom, browser.download.transferTo),
          },
        ]),
      ],
      processes: [
        {
          name: "chat serve",
          phases: [
            { label: "idle, 2 chat clients", usage: serverIdle },
            { label: "upload", usage: serverUpload },
            { label: "download", usage: serverDownload },
            ...(browser === undefined ? [] : browserPhases(browser).map(({ label, phase }) => ({
              label,
              usage: phase.server,
            }))),
          ],
        },
        { name: "chat send-file", phases: [{ label: "whole command", usage: upload.usage }] },
        { name: "chat get", phases: [{ label: "whole command", usage: download.usage }] },
      ],
      verified,
      browser,
      backgroundBusy: settings.backgroundBusy,
    };
  } finally {
    serverProc.stop();
  }
}

/** A command line as one would type it in the project folder. */
function shellLine(argv: readonly string[], passkey: string, port: number): string {
  return asTyped(argv)
    .replaceAll(passkey, "PASSKEY")
    .replaceAll(`127.0.0.1:${port}`, "127.0.0.1:PORT");
}

function anonymize(command: string, tmp: string): string {
  return command.replaceAll(tmp, "$TMP").replace(/:\d{4,5}\b/g, ":PORT");
}

if (import.meta.main) await runMain(main);
