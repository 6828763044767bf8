import { join } from "@std/path";
import { Hub, PasskeyChecker } from "../chat/mod.ts";
import {
  DiskBlobStore,
  LocalEventLog,
  MemoryRegistry,
  SqliteHistoryStore,
  SqliteIdentityStore,
  SqliteSessionStore,
} from "../store/mod.ts";
import { type Connection, TcpConnection } from "../transport/mod.ts";
import { Pacer } from "./pacer.ts";
import { startWebServer } from "./web_server.ts";
import { serveConnection } from "./serve_connection.ts";
import { ConnectionLimits } from "./connection_limits.ts";
import { announce, type Announcement } from "./announce.ts";
import { OutboundMessage } from "../protocol/mod.ts";
import { VERSION } from "../version.ts";

/** How long shutdown waits for connections to finish before cutting them. */
const SHUTDOWN_GRACE_MS = 3000;

/** How long an interrupted upload is kept for a retry to resume it. */
export const RESUME_KEEP_MS = 60 * 60 * 1000;

/** Settings of {@linkcode startServer}. */
export interface ServerOptions {
  hostname: string;
  /** 0 lets the OS choose; the chosen port is in the result. */
  port: number;
  /** Holds `chat.db`; must exist. */
  dataDir: string;
  passkey: string;
  /** Events replayed on joining a room. */
  historyLimit: number;
  /** Largest message text in UTF-8 bytes. */
  maxMessageBytes: number;
  /** Largest shared file in bytes. */
  maxFileBytes: number;
  /** Bound of each connection's outbound queue in bytes. */
  maxQueueBytes?: number;
  /** Most connections at once; 0 for no limit. Default 20,000. */
  maxConnections?: number;
  /** Most connections at once from one address; 0 for no limit. Default 100. */
  maxConnectionsPerAddress?: number;
  /** A connection that has not authenticated by then is closed. Default 5 s. */
  handshakeTimeoutMs?: number;
  /** Requests per second per connection, and the burst allowed. Default 50/s, 200. */
  rate?: { perSecond: number; burst: number };
  /** Serve TLS with this certificate and key (PEM) instead of plain TCP (web too). */
  tls?: { cert: string; key: string };
  /** Also serve the web client and its WebSocket on this port (0: any free one). */
  webPort?: number;
  /** How long an invite stays valid unless its maker says otherwise. Default 24 h. */
  inviteTtlMs?: number;
  /** The certificate's fingerprint, with TLS: invites carry it. */
  fingerprint?: string;
  /**
   * Announce the server on the LAN under this name (docs/PROTOCOL.md section 9); not announced
   * unless given.
   */
  announceAs?: string;
  /** Receives log lines (without timestamps). */
  log?: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  hostname: string;
  port: number;
  /** The web client's port, when it is served. */
  webPort?: number;
  /** The interfaces it is announced on, such as `eth0 (192.168.1.20)`; empty if none. */
  announcedOn: string[];
  /** Makes an invite, valid for `ttlMs` (default: the server's invite time). */
  invite(ttlMs?: number): Promise<{ token: string; expires: number }>;
  /** Frees an owned nick for anyone to claim; false when nobody owned it. */
  releaseNick(nick: string): Promise<boolean>;
  /** Stops accepting, closes every connection and the store. */
  close(): Promise<void>;
}

/**
 * Opens the store, listens on TCP and serves every connection with one task each.
 *
 * @example
 * ```ts ignore
 * const server = await startServer({ hostname: "127.0.0.1", port: 0, dataDir, passkey: "k",
 *   historyLimit: 50, maxMessageBytes: 4096 });
 * console.log(server.port);
 * await server.close();
 * ```
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const history = SqliteHistoryStore.open(join(options.dataDir, "chat.db"));
  const sessions = SqliteSessionStore.open(join(options.dataDir, "chat.db"));
  const identities = SqliteIdentityStore.open(join(options.dataDir, "chat.db"));
  const closeStores = () => Promise.all([history.close(), sessions.close(), identities.close()]);
  const blobs = await DiskBlobStore.open(join(options.dataDir, "files"));
  const sweep = () =>
    blobs.sweep(RESUME_KEEP_MS).then(
      (count) => count > 0 && log(`removed ${count} interrupted uploads older than an hour`),
      (error) => log(`could not clean interrupted uploads: ${error}`),
    );
  await sweep();
  const sweeper = setInterval(sweep, RESUME_KEEP_MS / 6);
  let listener: Deno.Listener;
  try {
    const address = { hostname: options.hostname, port: options.port };
    listener = options.tls === undefined
      ? Deno.listen(address)
      : Deno.listenTls({ ...address, cert: options.tls.cert, key: options.tls.key });
  } catch (error) {
    clearInterval(sweeper);
    await closeStores();
    throw error;
  }
  const hub = new Hub({
    history,
    events: new LocalEventLog(history),
    registry: new MemoryRegistry(),
    sessions,
    identities,
    inviteTtlMs: options.inviteTtlMs,
    blobs,
    maxFileBytes: options.maxFileBytes,
    passkey: await PasskeyChecker.create(options.passkey),
    historyLimit: options.historyLimit,
    maxMessageBytes: options.maxMessageBytes,
    serverName: `chat/${VERSION}`,
    rate: options.rate,
    log,
  });
  // No connection survived the restart: the sessions they held may now be resumed for a while.
  await hub.releaseAllSessions();
  const connections = new Set<Connection>();
  const tasks = new Set<Promise<void>>();
  const limits = new ConnectionLimits({
    total: options.maxConnections ?? 20_000,
    perAddress: options.maxConnectionsPerAddress ?? 100,
  });

  const connectionOptions = {
    maxQueueBytes: options.maxQueueBytes ?? 8 * 1024 * 1024,
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    // One for the whole server: busy is a property of the server, not of a connection.
    pacer: new Pacer(),
  };
  const track = (connection: Connection, task: Promise<void>) => {
    connections.add(connection);
    const tracked = task.finally(() => {
      connections.delete(connection);
      tasks.delete(tracked);
    });
    tasks.add(tracked);
  };
  let web: Deno.HttpServer<Deno.NetAddr> | undefined;
  if (options.webPort !== undefined) {
    try {
      web = startWebServer({
        hostname: options.hostname,
        port: options.webPort,
        hub,
        limits,
        connection: connectionOptions,
        tls: options.tls,
        log,
        track,
      });
    } catch (error) {
      listener.close();
      clearInterval(sweeper);
      await closeStores();
      throw error;
    }
  }

  const accepting = (async () => {
    for await (const conn of listener) {
      const connection = new TcpConnection(conn);
      const address = (conn.remoteAddr as Deno.NetAddr).hostname;
      const refusal = limits.admit(address);
      if (refusal !== undefined) {
        log(`refused ${connection.remote}: ${refusal}`);
        refuse(connection, refusal);
        continue;
      }
      track(
        connection,
        serveConnection(connection, hub, connectionOptions)
          .catch((error) => log(`connection ${connection.remote} failed: ${error}`))
          .finally(() => limits.release(address)),
      );
    }
  })().catch((error) => log(`stopped accepting connections: ${error}`));

  const address = listener.addr as Deno.NetAddr;
  hub.endpoints = {
    chatPort: address.port,
    webPort: web?.addr.port,
    tls: options.tls !== undefined,
    fingerprint: options.fingerprint,
  };
  const announcement: Announcement | undefined = options.announceAs === undefined
    ? undefined
    : await announce({
      listenHost: options.hostname,
      name: options.announceAs,
      chatPort: address.port,
      webPort: web?.addr.port,
      fingerprint: options.fingerprint,
      log,
    });
  let closing: Promise<void> | undefined;
  return {
    hostname: address.hostname,
    port: address.port,
    webPort: web?.addr.port,
    announcedOn: announcement?.interfaces ?? [],
    invite: (ttlMs = hub.options.inviteTtlMs) => hub.admission.createInvite(ttlMs),
    releaseNick: (nick) => hub.releaseOwnership(nick),
    close() {
      closing ??= (async () => {
        // Gone from the network first, so that nobody finds a server that no longer answers.
        await announcement?.close();
        listener.close();
        await accepting;
        const webStopped = web?.shutdown();
        // Every client hears why, and in-flight writes finish, before anything is cut.
        hub.shutdown("The server is shutting down.");
        const settled = Promise.allSettled([...tasks]);
        const grace = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
          settled.then(() => clearTimeout(timer), () => clearTimeout(timer)).then(resolve);
        });
        await grace;
        for (const connection of connections) connection.close();
        await settled;
        await webStopped;
        clearInterval(sweeper);
        await hub.close();
        await closeStores();
      })();
      return closing;
    },
  };
}

/** Tells a connection over the limits why, then closes it, without ever reading from it. */
function refuse(connection: TcpConnection, reason: string): void {
  const message = new OutboundMessage({
    type: "error",
    code: "too_many_connections",
    message: reason,
    fatal: true,
  });
  const timer = setTimeout(() => connection.close(), 1000);
  connection.send([message]).finally(() => {
    clearTimeout(timer);
    connection.close();
  }).catch(() => {});
}
