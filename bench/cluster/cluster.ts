/**
 * The cluster under test: three nats-servers with JetStream (tests/support/nats.ts, a stream of
 * three replicas) and three `chat serve --nats` nodes on 127.0.0.1, each node's log in a file
 * for the report's evidence; and the faults done to them: a node or a nats-server killed with
 * SIGKILL, the server leading the event stream found from its monitoring endpoint.
 *
 * @module
 */
import { join } from "@std/path";
import { type NatsServers, startNats } from "../../tests/support/nats.ts";
import { CHAT_ARGS } from "../fanout/mod.ts";
import { type Server, startServer } from "../shared/mod.ts";

/** Chat nodes and nats-servers of a cluster. */
export const NODES = 3;

/** A running cluster; disposing stops every process and keeps the logs. */
export interface Cluster extends AsyncDisposable {
  nats: NatsServers;
  /** The chat nodes, `undefined` once killed. */
  nodes: (Server | undefined)[];
  /** The chat nodes' ports, in order, whether they still run or not. */
  ports: number[];
  /** Each chat node's log file. */
  logs: string[];
  /** Every process of the cluster running now: chat nodes and nats-servers. */
  processes(): number[];
  /** Kills chat node `index` with SIGKILL and waits until it is gone. */
  killNode(index: number): Promise<void>;
  /** The index of the nats-server that leads the event stream, asked of each in turn. */
  streamLeader(): Promise<number>;
}

/** The arguments that make `chat serve` a node of the cluster on `natsUrls`. */
export function nodeArgs(natsUrls: readonly string[], name: string): string[] {
  return [...CHAT_ARGS, "--nats", natsUrls.join(","), "--node-name", name];
}

/** Starts three nats-servers and three chat nodes on them, in `dir`. */
export async function startCluster(
  options: { dir: string; passkey: string },
): Promise<Cluster> {
  const nats = await startNats({ servers: 3 });
  const nodes: (Server | undefined)[] = [];
  const logs: string[] = [];
  const cluster: Cluster = {
    nats,
    nodes,
    ports: [],
    logs,
    processes() {
      const pids = nodes.flatMap((node) => node === undefined ? [] : [node.pid]);
      for (const server of nats.nodes) if (server.process) pids.push(server.process.pid);
      return pids;
    },
    async killNode(index) {
      const node = nodes[index];
      if (node === undefined) return;
      nodes[index] = undefined;
      Deno.kill(node.pid, "SIGKILL");
      await node[Symbol.asyncDispose]();
    },
    async streamLeader() {
      for (const server of nats.nodes) {
        if (server.process === undefined) continue;
        try {
          const response = await fetch(
            `http://127.0.0.1:${server.monitorPort}/jsz?streams=true`,
          );
          const leader = streamLeaderOf(await response.json(), "chat_events");
          if (leader !== undefined) return Number(leader.replace(/^n/, "")) - 1;
        } catch {
          // Ask the next one.
        }
      }
      throw new Error("No nats-server named a leader of the event stream.");
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(nodes.map((node) => node?.[Symbol.asyncDispose]()));
      await nats[Symbol.asyncDispose]();
    },
  };
  try {
    const start = async (i: number) => {
      const dataDir = join(options.dir, `c${i + 1}`);
      await Deno.mkdir(dataDir, { recursive: true });
      logs[i] = join(options.dir, `c${i + 1}.log`);
      nodes[i] = await startServer({
        dataDir,
        passkey: options.passkey,
        args: nodeArgs(nats.urls, `c${i + 1}`),
        logFile: logs[i],
      });
    };
    // The first node creates the stream; the others find it.
    await start(0);
    await Promise.all(Array.from({ length: NODES - 1 }, (_, i) => start(i + 1)));
    cluster.ports.push(...nodes.map((node) => node!.port));
  } catch (error) {
    await cluster[Symbol.asyncDispose]();
    throw error;
  }
  return cluster;
}

/** The server name (`n1`…) leading stream `name` in a `/jsz?streams=true` answer. */
function streamLeaderOf(jsz: unknown, name: string): string | undefined {
  const accounts = (jsz as {
    account_details?: {
      stream_detail?: { name: string; cluster?: { leader?: string } }[];
    }[];
  }).account_details ?? [];
  for (const account of accounts) {
    for (const stream of account.stream_detail ?? []) {
      if (stream.name === name && stream.cluster?.leader) return stream.cluster.leader;
    }
  }
  return undefined;
}
