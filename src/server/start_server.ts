import { deleteOlderThan, Hub, PasskeyChecker } from "../chat/mod.ts";
import { openClusterStores, openLocalStores } from "./server_stores.ts";
import { TcpConnection } from "../transport/mod.ts";
import { AcceptLoop } from "./accept_loop.ts";
import { BurstLog } from "./burst_log.ts";
import { ConnectionLimits } from "./connection_limits.ts";
import { writeResponse } from "./http/mod.ts";
import { DescriptorReserve } from "./descriptor_reserve.ts";
import { Pacer } from "./pacer.ts";
import { serveConnection } from "./serve_connection.ts";
import { refusedResponse, serveWebConnection } from "./web_server.ts";
import { announce, type Announcement } from "./announce.ts";
import { OutboundMessage } from "../protocol/mod.ts";
import { VERSION } from "../version.ts";
import { loadOrCreateOperatorKey } from "./operator_file.ts";
import { type NodeAddress, NodeDirectory } from "../store/nats/node_directory.ts";
import { lanAddresses } from "./lan_addresses.ts";
import { errorReason, formatDuration } from "../util/mod.ts";

/** A TCP listener, or a TLS one with the certificate and key given. */
function listen(
  address: { hostname: string; port: number },
  tls: { cert: string; key: string } | undefined,
  alpnProtocols?: string[],
): Deno.Listener {
  return tls === undefined
    ? Deno.listen(address)
    : Deno.listenTls({ ...address, cert: tls.cert, key: tls.key, alpnProtocols });
}

/** How long shutdown waits for connections to finish before cutting them. */
const SHUTDOWN_GRACE_MS = 3000;

/** How long an interrupted upload is kept for a retry to resume it. */
export const RESUME_KEEP_MS = 60 * 60 * 1000;

/** How often, with `retainMs`, the server deletes what has grown too old. */
export const RETENTION_CHECK_MS = 60 * 60 * 1000;

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
  /**
   * Most connections at once, on the chat and web ports together; 0 for no limit. Default
   * 20,000. Lowered while running if the process runs out of file descriptors first.
   */
  maxConnections?: number;
  /** Most connections at once from one address; 0 for no limit. Default 100. */
  maxConnectionsPerAddress?: number;
  /**
   * A connection that has not authenticated by then is closed, and so is a web connection whose
   * request headers are not complete by then (or idle that long after a response). Default 5 s.
   */
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
  /**
   * Run as a node of a cluster (`--nats`): the NATS servers to share the rooms through. Alone,
   * on the data dir only, unless given.
   */
  nats?: string[];
  /** This node's name in the cluster (`--node-name`); the host name unless given. */
  nodeName?: string;
  /** False refuses private messages and private files (`--no-private`). Default true. */
  privateMessages?: boolean;
  /** False refuses every upload (`--no-files`). Default true. */
  files?: boolean;
  /**
   * Keep events and files this long (milliseconds), deleting older ones at start and every
   * `retentionCheckMs`; kept for ever unless given.
   */
  retainMs?: number;
  /** How often to delete what is older than `retainMs`. Default {@linkcode RETENTION_CHECK_MS}. */
  retentionCheckMs?: number;
  /** The clock retention measures age with; default `Date.now`. */
  now?: () => number;
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
  const stores = options.nats === undefined
    ? await openLocalStores(options.dataDir)
    : await openClusterStores(options.dataDir, {
      servers: options.nats,
      node: options.nodeName ?? Deno.hostname(),
    }, log);
  const { history, blobs } = stores;
  const closeStores = () => stores.close();
  const operatorKeyHash = await loadOrCreateOperatorKey(options.dataDir);
  const sweep = () =>
    blobs.sweep(RESUME_KEEP_MS).then(
      (count) => count > 0 && log(`removed ${count} interrupted uploads older than an hour`),
      (error) => log(`could not clean interrupted uploads: ${error}`),
    );
  await sweep();
  const sweeper = setInterval(sweep, RESUME_KEEP_MS / 6);
  const prune = retention(options, { history, blobs }, log);
  await prune?.();
  const pruner = prune && setInterval(prune, options.retentionCheckMs ?? RETENTION_CHECK_MS);
  let listener: Deno.Listener;
  let webListener: Deno.Listener | undefined;
  try {
    listener = listen({ hostname: options.hostname, port: options.port }, options.tls);
    try {
      if (options.webPort !== undefined) {
        // The web port speaks HTTP/1.1 only, which is what it tells a browser's TLS handshake.
        webListener = listen({ hostname: options.hostname, port: options.webPort }, options.tls, [
          "http/1.1",
        ]);
      }
    } catch (error) {
      listener.close();
      throw error;
    }
  } catch (error) {
    clearInterval(sweeper);
    clearInterval(pruner);
    await closeStores();
    throw error;
  }
  const hub = new Hub({
    history,
    events: stores.events,
    registry: stores.registry,
    sessions: stores.sessions,
    identities: stores.identities,
    readMarkers: stores.readMarkers,
    moderation: stores.moderation,
    nodeName: stores.cluster?.node,
    signals: stores.signals,
    passkeyFailures: stores.passkeyFailures,
    operatorKeyHash,
    privateMessages: options.privateMessages,
    files: options.files,
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
  // (In a cluster, only this node's: the other nodes' connections did survive.)
  await hub.releaseAllSessions();
  const burstLog = new BurstLog(log);
  // One budget for both ports: a connection counts from the moment it is accepted.
  const limits = new ConnectionLimits({
    total: options.maxConnections ?? 20_000,
    perAddress: options.maxConnectionsPerAddress ?? 100,
  });
  const reserve = new DescriptorReserve({
    open: () => Deno.openSync(options.dataDir, { read: true }),
    limits,
    log,
  });
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000;
  const connectionOptions = {
    maxQueueBytes: options.maxQueueBytes ?? 8 * 1024 * 1024,
    handshakeTimeoutMs,
    // One for the whole server: busy is a property of the server, not of a connection.
    pacer: new Pacer(),
  };

  const chat = new AcceptLoop(listener, {
    name: "chat port",
    limits,
    reserve,
    log: burstLog,
    serve(conn) {
      const connection = new TcpConnection(conn);
      const done = serveConnection(connection, hub, connectionOptions)
        .catch((error) => log(`connection ${connection.remote} failed: ${error}`));
      return { done, close: () => connection.close() };
    },
    refuse: (conn, reason) => writeAll(conn, refusalFrame(reason)),
  });
  const web = webListener === undefined ? undefined : new AcceptLoop(webListener, {
    name: "web port",
    limits,
    reserve,
    log: burstLog,
    serve: (conn) =>
      serveWebConnection(conn, {
        hub,
        connection: connectionOptions,
        secure: options.tls !== undefined,
        headTimeoutMs: handshakeTimeoutMs,
        log,
      }),
    refuse: (conn, reason) => writeResponse(conn, refusedResponse(reason), { close: true }),
  });
  const loops = web === undefined ? [chat] : [chat, web];

  hub.endpoints = {
    chatPort: chat.addr.port,
    webPort: web?.addr.port,
    tls: options.tls !== undefined,
    fingerprint: options.fingerprint,
  };
  // A cluster's nodes tell each other where clients reach them: welcome lists them.
  const directory = stores.cluster === undefined ? undefined : await NodeDirectory.open(
    stores.cluster,
    nodeAddress(options, chat.addr.port, web?.addr.port),
  );
  if (directory !== undefined) {
    hub.nodes = () => directory.list();
    hub.isNodeOrigin = (origin) => directory.isWebOrigin(origin);
  }
  const announcement: Announcement | undefined = options.announceAs === undefined
    ? undefined
    : await announce({
      listenHost: options.hostname,
      name: options.announceAs,
      chatPort: chat.addr.port,
      webPort: web?.addr.port,
      fingerprint: options.fingerprint,
      log,
    });
  let closing: Promise<void> | undefined;
  return {
    hostname: chat.addr.hostname,
    port: chat.addr.port,
    webPort: web?.addr.port,
    announcedOn: announcement?.interfaces ?? [],
    invite: (ttlMs = hub.options.inviteTtlMs) => hub.admission.createInvite(ttlMs),
    releaseNick: (nick) => hub.releaseOwnership(nick),
    close() {
      closing ??= (async () => {
        // Gone from the network first, so that nobody finds a server that no longer answers.
        await announcement?.close();
        await Promise.all(loops.map((loop) => loop.stop()));
        // Idle web connections close now; pages being sent are finished first.
        web?.drain();
        // Every client hears why, and in-flight writes finish, before anything is cut.
        hub.shutdown("The server is shutting down.");
        const settled = Promise.all(loops.map((loop) => loop.settled()));
        const grace = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
          settled.then(() => clearTimeout(timer), () => clearTimeout(timer)).then(resolve);
        });
        await grace;
        for (const loop of loops) loop.closeAll();
        await settled;
        reserve.close();
        clearInterval(sweeper);
        clearInterval(pruner);
        directory?.close();
        await hub.close();
        await closeStores();
      })();
      return closing;
    },
  };
}

/**
 * What deletes events and files older than `options.retainMs`, logging what it removed, or
 * undefined when everything is kept. A failure is logged and tried again at the next check.
 */
function retention(
  options: ServerOptions,
  stores: Parameters<typeof deleteOlderThan>[0],
  log: (line: string) => void,
): (() => Promise<void>) | undefined {
  const { retainMs } = options;
  if (retainMs === undefined) return undefined;
  const now = options.now ?? Date.now;
  const age = formatDuration(retainMs);
  return () =>
    deleteOlderThan(stores, now() - retainMs).then(
      ({ events, files }) => {
        if (events > 0 || files > 0) {
          log(`removed ${events} events and ${files} files older than ${age} (--retain)`);
        }
      },
      (error) => log(`could not remove history older than ${age}: ${errorReason(error)}`),
    );
}

/** The `too_many_connections` error frame a chat connection over the limits is closed with. */
function refusalFrame(reason: string): Uint8Array {
  return new OutboundMessage({
    type: "error",
    code: "too_many_connections",
    message: reason,
    fatal: true,
  }).frame;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written));
}

/**
 * Where clients reach this node: its listening address, or, listening on every interface, its
 * first LAN address (the loopback one when it has none).
 */
function nodeAddress(options: ServerOptions, chatPort: number, webPort?: number): NodeAddress {
  const wildcard = options.hostname === "0.0.0.0" || options.hostname === "::";
  const host = wildcard ? lanAddresses()[0] ?? "127.0.0.1" : options.hostname;
  const name = host.includes(":") ? `[${host}]` : host;
  const address: NodeAddress = {
    name: options.nodeName ?? Deno.hostname(),
    chat: `${name}:${chatPort}`,
  };
  if (webPort !== undefined) {
    address.web = `${options.tls === undefined ? "http" : "https"}://${name}:${webPort}/`;
  }
  return address;
}
