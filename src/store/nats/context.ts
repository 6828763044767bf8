/**
 * What every store of a cluster shares: one connection to the NATS servers, its JetStream,
 * key-value and object store handles, how many copies each stream and bucket keeps, the prefix
 * of their names (one cluster of chat nodes per prefix; tests take a fresh one each) and this
 * node's name. A store creates the streams and buckets it needs when it opens (creating an
 * existing one with the same settings is harmless), so nodes may start in any order.
 *
 * @module
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";

/** The shared handles of a cluster's stores. */
export interface NatsContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  objm: Objm;
  /** Copies of every stream and bucket: 3 on a cluster of three or more, else 1. */
  replicas: number;
  /** The start of every stream and bucket name, such as `chat`: `chat_events`, `chat_nicks`. */
  prefix: string;
  /** This node's name (`--node-name`), unique in the cluster. */
  node: string;
}

/** Settings of {@linkcode connectCluster}. */
export interface ClusterOptions {
  /** `nats://host:port` of one or more servers of the cluster. */
  servers: string[];
  /** This node's name, unique among the nodes sharing the prefix. */
  node: string;
  /** Default `chat`. */
  prefix?: string;
  /** Default: 3 when three or more servers are named, else 1. */
  replicas?: number;
}

/**
 * Connects to the NATS servers (reconnecting for ever if they go away) and returns the handles
 * the stores share.
 *
 * @example
 * ```ts ignore
 * const context = await connectCluster({ servers: ["nats://10.0.0.1:4222"], node: "a" });
 * await context.nc.close();
 * ```
 */
export async function connectCluster(options: ClusterOptions): Promise<NatsContext> {
  const nc = await connect({
    servers: options.servers,
    name: `chat ${options.node}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  const jsm = await jetstreamManager(nc);
  return {
    nc,
    js: jetstream(nc),
    jsm,
    kvm: new Kvm(nc),
    objm: new Objm(nc),
    replicas: options.replicas ?? (options.servers.length >= 3 ? 3 : 1),
    prefix: options.prefix ?? "chat",
    node: options.node,
  };
}
