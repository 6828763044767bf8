/**
 * A description of the machine and the code a benchmark ran on, for the head of its report:
 * figures mean little without them.
 *
 * @module
 */

/** What the results depend on. */
export interface Machine {
  cpus: number;
  model: string;
  memory: string;
  kernel: string;
  deno: string;
  socat: string;
  /** Filesystem of the temporary directory, where every file of the run lives. */
  filesystem: string;
}

/** The machine in one clause for a report: `Machine: 2 CPUs (…), 23.5 GiB RAM, Linux …, Deno …`. */
export function machineSummary(machine: Machine): string {
  return `Machine: ${machine.cpus} CPUs (${machine.model}), ${machine.memory} RAM, Linux ` +
    `${machine.kernel}, Deno ${machine.deno}`;
}

/** Reads the machine description from /proc and the tools' version output. */
export async function describeMachine(tempDir: string): Promise<Machine> {
  const cpuinfo = await readOr("/proc/cpuinfo");
  const meminfo = await readOr("/proc/meminfo");
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1]);
  return {
    cpus: navigator.hardwareConcurrency,
    model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown",
    memory: Number.isFinite(memKiB) ? `${(memKiB / 1024 ** 2).toFixed(1)} GiB` : "unknown",
    kernel: (await readOr("/proc/sys/kernel/osrelease")).trim() || "unknown",
    deno: `${Deno.version.deno} (V8 ${Deno.version.v8})`,
    socat: /socat version (\S+)/.exec(await output(["socat", "-V"]))?.[1] ?? "unknown",
    filesystem: (await output(["df", "--output=fstype", tempDir])).split("\n")[1]?.trim() ??
      "unknown",
  };
}

/**
 * The commit measured, and whether the code that runs (src/, main.ts, and web/ for the browser
 * legs) had uncommitted changes (others edit it meanwhile).
 */
export async function describeCode(): Promise<string> {
  const root = new URL("../..", import.meta.url).pathname;
  const commit = (await output(["git", "-C", root, "rev-parse", "--short", "HEAD"])).trim();
  if (commit === "") return "unknown";
  const changes = (await output([
    "git",
    "-C",
    root,
    "status",
    "--porcelain",
    "--",
    "src",
    "main.ts",
    "web",
  ])).trim();
  return changes === ""
    ? `commit ${commit}`
    : `commit ${commit} with uncommitted changes in src/ or web/`;
}

async function readOr(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

async function output(argv: string[]): Promise<string> {
  try {
    const { stdout } = await new Deno.Command(argv[0], { args: argv.slice(1), stderr: "null" })
      .output();
    return new TextDecoder().decode(stdout);
  } catch {
    return "";
  }
}
