/**
 * NATS servers with JetStream for the cluster tests and benchmarks: Debian's `nats-server`
 * (2.9.10; installed by `deno task test` like chromium), one alone or three in a cluster, on free
 * ports of 127.0.0.1 (or the hosts given), each with its own store folder in a temporary
 * directory that is removed on dispose. A server can be killed and started again where it was,
 * for the fault tests.
 *
 * @example
 * ```ts ignore
 * await using nats = await startNats({ servers: 3 });
 * const nc = await connect({ servers: nats.urls });
 * await nats.kill(0); // SIGKILL, as a crash
 * await nats.restart(0);
 * ```
 *
 * @module
 */
import { join } from "@std/path";
import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";

/**
 * A free port below Linux's ephemeral range (32768 and up), so that no outgoing connection of
 * the busy test process takes it between the choice and the server's bind.
 */
function natsPort(): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // Taken: another.
    }
  }
}

/** How long a server may take to say JetStream is ready. */
const READY_TIMEOUT_MS = 20_000;

/** One nats-server of a {@linkcode NatsServers}. */
export interface NatsNode {
  /** `nats://HOST:PORT`, for clients. */
  url: string;
  host: string;
  port: number;
  /** The HTTP monitoring port (`/healthz`, `/jsz`). */
  monitorPort: number;
  /** Its folder: configuration, JetStream store, log. */
  dir: string;
  /** The running process, or undefined while it is stopped. */
  process: Deno.ChildProcess | undefined;
  /** Whether that process has ended (it could not bind its ports, or was killed). */
  exited?: boolean;
}

/** Running nats-servers, stopped and removed on dispose. */
export interface NatsServers extends AsyncDisposable {
  nodes: NatsNode[];
  /** Every server's client URL. */
  urls: string[];
  /** Kills server `index` (SIGKILL unless told) and waits for it to be gone. */
  kill(index: number, signal?: Deno.Signal): Promise<void>;
  /** Starts server `index` again, on its ports and store, and waits until it is ready. */
  restart(index: number): Promise<void>;
  /** The last lines of server `index`'s log, for failure messages. */
  log(index: number): Promise<string>;
}

/** Settings of {@linkcode startNats}. */
export interface NatsOptions {
  /** 1 (default) or 3: a JetStream cluster of three. */
  servers?: 1 | 3;
  /** The address each server listens on; 127.0.0.1 for all unless given (one per server). */
  hosts?: string[];
}

let shared: Promise<NatsServers> | undefined;

/**
 * One JetStream server for every test of this process that needs one, started at the first call
 * and stopped when the process ends: the contract suites run many small tests, each in buckets
 * and streams of its own (a unique prefix), so none waits for a server of its own.
 */
export function sharedNats(): Promise<NatsServers> {
  if (shared !== undefined) return shared;
  shared = startNats();
  shared.then((servers) => {
    globalThis.addEventListener("unload", () => {
      for (const node of servers.nodes) {
        try {
          node.process?.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }
      try {
        Deno.removeSync(servers.nodes[0].dir.replace(/\/n1$/, ""), { recursive: true });
      } catch {
        // Nothing to remove.
      }
    });
  }, () => {});
  return shared;
}

/** A name no other test of this run uses: the prefix of a test's buckets and streams. */
export function uniqueNatsPrefix(): string {
  return `t${crypto.getRandomValues(new Uint32Array(2)).join("")}`;
}

/** Starts nats-server with JetStream: one alone, or three in a cluster. */
export async function startNats(options: NatsOptions = {}): Promise<NatsServers> {
  // A server that could not bind a port it was given exits at once: new ports, and again.
  for (let attempt = 1;; attempt++) {
    try {
      return await startNatsOnce(options);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof ExitedError)) throw error;
    }
  }
}

/** A nats-server ended before it was ready. */
class ExitedError extends Error {}

async function startNatsOnce(options: NatsOptions): Promise<NatsServers> {
  const count = options.servers ?? 1;
  const root = await Deno.makeTempDir({ prefix: "chat_nats_" });
  const clusterPorts = Array.from({ length: count }, () => natsPort());
  const nodes: NatsNode[] = [];
  for (let i = 0; i < count; i++) {
    const host = options.hosts?.[i] ?? "127.0.0.1";
    const port = natsPort();
    const node: NatsNode = {
      url: `nats://${host}:${port}`,
      host,
      port,
      monitorPort: natsPort(),
      dir: join(root, `n${i + 1}`),
      process: undefined,
    };
    await Deno.mkdir(join(node.dir, "js"), { recursive: true });
    await Deno.writeTextFile(join(node.dir, "nats.conf"), config(node, i, count, clusterPorts));
    nodes.push(node);
  }
  const servers: NatsServers = {
    nodes,
    urls: nodes.map((node) => node.url),
    async kill(index, signal = "SIGKILL") {
      const node = nodes[index];
      const child = node.process;
      if (child === undefined) return;
      node.process = undefined;
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
      await child.status;
    },
    async restart(index) {
      // The ports it had may take a moment to be free again after a kill.
      for (let attempt = 1;; attempt++) {
        spawn(nodes[index]);
        try {
          return await waitReady(nodes[index], count > 1);
        } catch (error) {
          if (attempt >= 10 || !(error instanceof ExitedError)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      }
    },
    async log(index) {
      try {
        const text = await Deno.readTextFile(join(nodes[index].dir, "nats.log"));
        return text.split("\n").slice(-30).join("\n");
      } catch {
        return "(no log)";
      }
    },
    async [Symbol.asyncDispose]() {
      for (let i = 0; i < nodes.length; i++) await servers.kill(i, "SIGTERM");
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  };
  try {
    for (const node of nodes) spawn(node);
    for (const node of nodes) await waitReady(node, count > 1);
  } catch (error) {
    await servers[Symbol.asyncDispose]();
    throw error;
  }
  return servers;
}

/** The configuration file of server `index` of `count`. */
function config(node: NatsNode, index: number, count: number, clusterPorts: number[]): string {
  const lines = [
    `server_name: n${index + 1}`,
    `listen: "${node.host}:${node.port}"`,
    `http: "127.0.0.1:${node.monitorPort}"`,
    `jetstream { store_dir: "${join(node.dir, "js")}" }`,
    `log_file: "${join(node.dir, "nats.log")}"`,
  ];
  if (count > 1) {
    const routes = clusterPorts.map((port) => `"nats-route://127.0.0.1:${port}"`).join(", ");
    lines.push(
      `cluster { name: chat, listen: "127.0.0.1:${clusterPorts[index]}", routes: [${routes}] }`,
    );
  }
  return lines.join("\n") + "\n";
}

function spawn(node: NatsNode): void {
  const child = new Deno.Command("nats-server", {
    args: ["-c", join(node.dir, "nats.conf")],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  node.process = child;
  node.exited = false;
  child.status.then(() => {
    if (node.process === child) node.exited = true;
  });
}

/**
 * Waits until the server's monitoring says JetStream is ready and, in a cluster, knows the meta
 * leader (before that, creating a stream times out).
 */
async function waitReady(node: NatsNode, clustered: boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (node.exited) {
      let tail = "(no log)";
      try {
        tail = (await Deno.readTextFile(join(node.dir, "nats.log"))).split("\n").slice(-5).join(
          "\n",
        );
      } catch {
        // Nothing written.
      }
      throw new ExitedError(`nats-server ${node.url} ended before it was ready:\n${tail}`);
    }
    try {
      const health = await fetch(`http://127.0.0.1:${node.monitorPort}/healthz`);
      last = await health.text();
      if (health.ok && !clustered) return;
      if (health.ok) {
        const jsz = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`);
        const info = await jsz.json() as { meta_cluster?: { leader?: string } };
        last = `meta leader: ${info.meta_cluster?.leader ?? "none yet"}`;
        if (info.meta_cluster?.leader) return;
      }
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server ${node.url} was not ready in ${READY_TIMEOUT_MS} ms: ${last}`);
}

/**
 * A {@linkcode NatsContext} on the {@linkcode sharedNats} server, with a prefix no other test
 * uses, and the function that closes its connection.
 *
 * @example
 * ```ts ignore
 * const { context, cleanup } = await testNatsContext();
 * const store = await KvIdentityStore.open(context);
 * await cleanup();
 * ```
 */
export async function testNatsContext(
  node = "n1",
): Promise<{ context: NatsContext; cleanup(): Promise<void> }> {
  const servers = await sharedNats();
  const context = await connectCluster({
    servers: servers.urls,
    node,
    prefix: uniqueNatsPrefix(),
    replicas: 1,
  });
  return { context, cleanup: () => context.nc.close() };
}
