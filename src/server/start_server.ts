import { join } from "@std/path";
import { Hub, PasskeyChecker } from "../chat/mod.ts";
import { DiskBlobStore, SqliteHistoryStore } from "../store/mod.ts";
import { TcpConnection } from "../transport/mod.ts";
import { serveConnection } from "./serve_connection.ts";
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
  /** Receives log lines (without timestamps). */
  log?: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  hostname: string;
  port: number;
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
  const blobs = await DiskBlobStore.open(join(options.dataDir, "files"));
  const sweep = () =>
    blobs.sweep(RESUME_KEEP_MS).then(
      (count) => count > 0 && log(`removed ${count} interrupted uploads older than an hour`),
      (error) => log(`could not clean interrupted uploads: ${error}`),
    );
  await sweep();
  const sweeper = setInterval(sweep, RESUME_KEEP_MS / 6);
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: options.hostname, port: options.port });
  } catch (error) {
    clearInterval(sweeper);
    await history.close();
    throw error;
  }
  const hub = new Hub({
    history,
    blobs,
    maxFileBytes: options.maxFileBytes,
    passkey: await PasskeyChecker.create(options.passkey),
    historyLimit: options.historyLimit,
    maxMessageBytes: options.maxMessageBytes,
    serverName: `chat/${VERSION}`,
    log,
  });
  const connections = new Set<TcpConnection>();
  const tasks = new Set<Promise<void>>();

  const accepting = (async () => {
    for await (const conn of listener) {
      const connection = new TcpConnection(conn);
      connections.add(connection);
      const task = serveConnection(connection, hub, {
        maxQueueBytes: options.maxQueueBytes ?? 8 * 1024 * 1024,
      }).catch((error) => log(`connection ${connection.remote} failed: ${error}`))
        .finally(() => {
          connections.delete(connection);
          tasks.delete(task);
        });
      tasks.add(task);
    }
  })().catch((error) => log(`stopped accepting connections: ${error}`));

  const address = listener.addr as Deno.NetAddr;
  let closing: Promise<void> | undefined;
  return {
    hostname: address.hostname,
    port: address.port,
    close() {
      closing ??= (async () => {
        listener.close();
        await accepting;
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
        clearInterval(sweeper);
        await history.close();
      })();
      return closing;
    },
  };
}
