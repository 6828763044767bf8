/**
 * The faults the cluster benchmark does under load, each beside the send schedule of its own
 * measured window, and the timeline of what was done when, for the report: a chat node killed
 * (its clients go on through the others), the nats-server leading the event stream killed and
 * started again, and two of the three nats-servers down for a few seconds.
 *
 * @module
 */
import { sleep } from "../shared/mod.ts";
import type { Cluster } from "./cluster.ts";

/** The faults, in the order the benchmark does them. */
export const FAULTS = ["chat-node", "stream-leader", "nats-quorum"] as const;

/** One of {@linkcode FAULTS}. */
export type FaultName = typeof FAULTS[number];

/** What each fault does, for the report. */
export const FAULT_TITLES: Record<FaultName, string> = {
  "chat-node": "SIGKILL chat node c1 (its clients join c2 or c3)",
  "stream-leader": "SIGKILL the nats-server leading the event stream, start it again",
  "nats-quorum": "two of three nats-servers down (SIGKILL), both started again",
};

/** When a fault starts in its window, and how long servers stay down. */
export interface FaultTiming {
  /** From the window's first send. */
  atMs: number;
  /** How long a killed nats-server stays down. */
  downMs: number;
}

/** Does fault `name` to `cluster`; resolves with its timeline once it is over. */
export async function injectFault(
  name: FaultName,
  cluster: Cluster,
  timing: FaultTiming,
): Promise<string[]> {
  const started = performance.now();
  const timeline: string[] = [];
  const note = (line: string) =>
    timeline.push(`${((performance.now() - started) / 1000).toFixed(2)} s: ${line}`);
  await sleep(timing.atMs);
  switch (name) {
    case "chat-node": {
      const pid = cluster.nodes[0]?.pid;
      await cluster.killNode(0);
      note(`SIGKILL chat node c1 (pid ${pid})`);
      break;
    }
    case "stream-leader": {
      const leader = await cluster.streamLeader();
      const pid = cluster.nats.nodes[leader].process?.pid;
      await cluster.nats.kill(leader);
      note(`SIGKILL nats-server n${leader + 1} (pid ${pid}), the stream's leader`);
      const killedAt = performance.now();
      note(await newLeader(cluster, leader, 30_000));
      await sleep(Math.max(0, timing.downMs - (performance.now() - killedAt)));
      await cluster.nats.restart(leader);
      note(`nats-server n${leader + 1} started again and ready`);
      break;
    }
    case "nats-quorum": {
      const leader = await cluster.streamLeader();
      const down = [leader, (leader + 1) % cluster.nats.nodes.length];
      for (const index of down) {
        const pid = cluster.nats.nodes[index].process?.pid;
        await cluster.nats.kill(index);
        note(`SIGKILL nats-server n${index + 1} (pid ${pid})${index === leader ? ", leader" : ""}`);
      }
      await sleep(timing.downMs);
      note(`starting n${down[0] + 1} and n${down[1] + 1} again`);
      await Promise.all(down.map((index) => cluster.nats.restart(index)));
      note("both ready");
      note(await newLeader(cluster, -1, 30_000));
      break;
    }
  }
  return timeline;
}

/** Waits up to `waitMs` for a stream leader other than `old`; says which and after how long. */
async function newLeader(cluster: Cluster, old: number, waitMs: number): Promise<string> {
  const started = performance.now();
  const deadline = started + waitMs;
  while (performance.now() < deadline) {
    const leader = await cluster.streamLeader().catch(() => -1);
    if (leader >= 0 && leader !== old) {
      const after = ((performance.now() - started) / 1000).toFixed(2);
      return `the stream's leader is n${leader + 1} (asked for ${after} s)`;
    }
    await sleep(100);
  }
  return `no stream leader named within ${waitMs / 1000} s`;
}
