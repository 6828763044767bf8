/**
 * Where the chat server spends its CPU: the top functions by self time in the V8 CPU profile
 * that `deno run --cpu-prof` writes at exit, over the measured windows only.
 *
 * @module
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of the samples. */
export interface HotFunction {
  name: string;
  samples: number;
  share: number;
}

/**
 * Self time by function in the profile that process `pid` wrote to `dir`, counting the samples
 * taken between `fromMs` and `toMs` (milliseconds since the process started; the profile starts
 * a few tens of milliseconds after the process, which is all the error there is).
 */
export async function hotFunctions(
  dir: string,
  window: { pid: number; fromMs: number; toMs: number },
): Promise<{ functions: HotFunction[]; samples: number }> {
  const counts = new Map<string, number>();
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    // Deno names it CPU.<timestamp>.<pid>.cpuprofile.
    if (!entry.name.endsWith(`.${window.pid}.cpuprofile`)) continue;
    const profile: CpuProfile = JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
    const names = new Map(profile.nodes.map((node) => [node.id, describe(node)]));
    let micros = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      micros += profile.timeDeltas[i];
      const atMs = micros / 1000;
      if (atMs < window.fromMs || atMs > window.toMs) continue;
      const name = names.get(profile.samples[i]) ?? "?";
      if (name === "(idle)") continue;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      total++;
    }
  }
  const functions = [...counts]
    .map(([name, samples]) => ({ name, samples, share: samples / total }))
    .sort((a, b) => b.samples - a.samples);
  return { functions, samples: total };
}

function describe(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(src|ext|bench)\//, "$1/").replace(/^file:\/\/.*\//, "");
  const name = functionName === "" ? "(anonymous)" : functionName;
  return file === "" ? name : `${name} ${file}:${lineNumber + 1}`;
}

/** A markdown list of the top `count` functions. */
export function renderHotFunctions(
  profile: { functions: HotFunction[]; samples: number },
  count = 15,
): string {
  const rows = [
    "| function | self samples | share |",
    "| --- | ---: | ---: |",
    ...profile.functions.slice(0, count).map((hot) =>
      `| \`${hot.name}\` | ${hot.samples} | ${(hot.share * 100).toFixed(1)} % |`
    ),
  ];
  return rows.join("\n");
}
