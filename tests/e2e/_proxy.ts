/**
 * A TCP proxy on loopback that the end-to-end tests put between a client and the server to
 * simulate network faults: connections cut on both sides, a link that silently stops carrying
 * bytes, or a server that cannot be reached for a while.
 *
 * @module
 */

/** One client connection and its connection to the server. */
interface Pair {
  client: Deno.TcpConn;
  server: Deno.TcpConn;
  /** A side ended (end of input or an error) while the link was blackholed. */
  ended: boolean;
  closed: boolean;
}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written));
}

/**
 * Listens on 127.0.0.1 (a free port) and forwards every connection to `127.0.0.1:targetPort`.
 *
 * @example
 * ```ts ignore
 * await using proxy = TcpProxy.start(server.port);
 * // connect the client to proxy.port, then:
 * proxy.dropAll();
 * ```
 */
export class TcpProxy implements AsyncDisposable {
  /** The port clients connect to. */
  readonly port: number;
  readonly #targetPort: number;
  readonly #listener: Deno.TcpListener;
  readonly #pairs = new Set<Pair>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  #blackholed = false;
  #refusing = false;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accepting = this.#accept();
  }

  /** Starts a proxy to the server on `127.0.0.1:targetPort`. */
  static start(targetPort: number): TcpProxy {
    return new TcpProxy(targetPort);
  }

  /** Closes every current connection on both sides; new ones are still accepted. */
  dropAll(): void {
    for (const pair of [...this.#pairs]) this.#close(pair);
  }

  /**
   * While on, no byte is forwarded in either direction and no end of a connection is passed
   * on: both sides keep an open socket that has gone silent, as behind a dead link. Turning
   * it off forwards again and closes the connections one side ended meanwhile. Bytes sent
   * while it was on are lost.
   */
  blackhole(on: boolean): void {
    this.#blackholed = on;
    if (!on) {
      for (const pair of [...this.#pairs]) if (pair.ended) this.#close(pair);
    }
  }

  /**
   * While on, new connections are accepted and closed at once, as by a server that is
   * restarting; current connections are not touched.
   */
  refuse(on: boolean): void {
    this.#refusing = on;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    closeQuietly(this.#listener);
    await this.#accepting;
    this.dropAll();
    await Promise.allSettled([...this.#tasks]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        if (this.#refusing) {
          closeQuietly(client);
          continue;
        }
        const task = this.#open(client).finally(() => this.#tasks.delete(task));
        this.#tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  }

  async #open(client: Deno.TcpConn): Promise<void> {
    let server: Deno.TcpConn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: this.#targetPort });
    } catch {
      closeQuietly(client);
      return;
    }
    const pair: Pair = { client, server, ended: false, closed: false };
    this.#pairs.add(pair);
    await Promise.all([this.#pump(pair, client, server), this.#pump(pair, server, client)]);
  }

  async #pump(pair: Pair, from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (!pair.closed) {
        const n = await from.read(buffer);
        if (n === null) break;
        if (!this.#blackholed) await writeAll(to, buffer.subarray(0, n));
      }
    } catch {
      // Reset, or closed by dropAll().
    }
    if (this.#blackholed && !pair.closed) pair.ended = true;
    else this.#close(pair);
  }

  #close(pair: Pair): void {
    if (pair.closed) return;
    pair.closed = true;
    this.#pairs.delete(pair);
    closeQuietly(pair.client);
    closeQuietly(pair.server);
  }
}
