/**
 * Where a server keeps its state: on one machine, everything in the data dir (SQLite and a folder
 * of files); in a cluster (`--nats`), everything the nodes share on NATS JetStream, and each
 * node's copy of the event log in its own data dir. The hub sees the same interfaces either way.
 *
 * @module
 */
import { join } from "@std/path";
import type {
  BlobStore,
  EventLog,
  HistoryStore,
  IdentityStore,
  ModerationStore,
  ReadMarkerStore,
  Registry,
  SessionStore,
  SignalBus,
} from "../chat/mod.ts";
import type { FailureCounter } from "../chat/failure_counter.ts";
import { LocalSignalBus } from "../chat/mod.ts";
import {
  DiskBlobStore,
  LocalEventLog,
  MemoryRegistry,
  SqliteHistoryStore,
  SqliteIdentityStore,
  SqliteModerationStore,
  SqliteReadMarkerStore,
  SqliteSessionStore,
} from "../store/mod.ts";
import { type ClusterOptions, connectCluster, type NatsContext } from "../store/nats/context.ts";
import { JetStreamEventLog } from "../store/nats/jetstream_event_log.ts";
import { NatsSignalBus } from "../store/nats/nats_signal_bus.ts";
import { KvIdentityStore } from "../store/nats/kv_identity_store.ts";
import { KvSessionStore } from "../store/nats/kv_session_store.ts";
import { KvRegistry } from "../store/nats/kv_registry.ts";
import { KvReadMarkerStore } from "../store/nats/kv_read_marker_store.ts";
import { KvModerationStore } from "../store/nats/kv_moderation_store.ts";
import { KvFailureCounter } from "../store/nats/kv_failure_counter.ts";
import { ObjectBlobStore } from "../store/nats/object_blob_store.ts";

/** The stores a hub is built on, and how to close them. */
export interface ServerStores {
  history: HistoryStore;
  events: EventLog;
  registry: Registry;
  sessions: SessionStore;
  identities: IdentityStore;
  readMarkers: ReadMarkerStore;
  moderation: ModerationStore;
  blobs: BlobStore & { sweep(olderThanMs: number): Promise<number> };
  /** Typing, presence, read markers and the host controls' orders, to every node. */
  signals: SignalBus;
  /** Wrong passkeys counted for every node of a cluster; none on a server alone. */
  passkeyFailures?: FailureCounter;
  /** The cluster's connection, in cluster mode. */
  cluster?: NatsContext;
  close(): Promise<void>;
}

/** Everything in `dataDir`: `chat.db` and `files/`. */
export async function openLocalStores(dataDir: string): Promise<ServerStores> {
  const database = join(dataDir, "chat.db");
  const history = SqliteHistoryStore.open(database);
  const closers: (() => Promise<unknown>)[] = [() => history.close()];
  try {
    const sessions = SqliteSessionStore.open(database);
    closers.push(() => sessions.close());
    const identities = SqliteIdentityStore.open(database);
    closers.push(() => identities.close());
    const readMarkers = SqliteReadMarkerStore.open(database);
    closers.push(() => readMarkers.close());
    const moderation = await SqliteModerationStore.open(database);
    closers.push(() => moderation.close());
    const blobs = await DiskBlobStore.open(join(dataDir, "files"));
    return {
      history,
      events: new LocalEventLog(history),
      registry: new MemoryRegistry(),
      sessions,
      identities,
      readMarkers,
      moderation,
      blobs,
      signals: new LocalSignalBus(),
      close: async () => void await Promise.all(closers.map((close) => close())),
    };
  } catch (error) {
    await Promise.all(closers.map((close) => close()));
    throw error;
  }
}

/**
 * A node of a cluster: the event log on JetStream, followed into this node's copy in
 * `dataDir/chat.db`; the shared state on NATS as far as this build shares it (see README, "When
 * one machine is not enough").
 */
export async function openClusterStores(
  dataDir: string,
  cluster: ClusterOptions,
  log: (line: string) => void,
): Promise<ServerStores> {
  let context: NatsContext;
  try {
    context = await connectCluster(cluster);
  } catch (error) {
    throw new Error(
      `could not reach the NATS servers ${cluster.servers.join(", ")} (${
        error instanceof Error ? error.message : error
      }); check --nats and that nats-server runs there with JetStream`,
    );
  }
  let local: ServerStores | undefined;
  try {
    local = await openLocalStores(dataDir);
    const events = await JetStreamEventLog.open(context, local.history, { log });
    const signals = NatsSignalBus.open(context);
    const identities = await KvIdentityStore.open(context);
    const sessions = await KvSessionStore.open(context);
    const registry = await KvRegistry.open(context);
    const readMarkers = await KvReadMarkerStore.open(context);
    const moderation = await KvModerationStore.open(context);
    const passkeyFailures = await KvFailureCounter.open(context);
    // Uploads under way and copies of what this node read: a folder of its own, not files/.
    const blobs = await ObjectBlobStore.open(context, { dir: join(dataDir, "cluster-files") });
    const closeLocal = local.close;
    return {
      ...local,
      events,
      signals,
      identities,
      sessions,
      registry,
      readMarkers,
      moderation,
      passkeyFailures,
      blobs,
      cluster: context,
      close: async () => {
        await registry.close();
        await readMarkers.close();
        await moderation.close();
        await passkeyFailures.close();
        signals.close();
        await identities.close();
        await sessions.close();
        await events.close();
        await closeLocal();
        await context.nc.close();
      },
    };
  } catch (error) {
    await local?.close();
    await context.nc.close();
    throw error;
  }
}
