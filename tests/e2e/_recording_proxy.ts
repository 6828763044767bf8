/**
 * A TCP proxy on loopback that keeps a copy of every byte it forwards, as an eavesdropper on the
 * network would see them, so tests can check what travels in the clear.
 *
 * @module
 */

/** What went through one proxied connection, per direction, in order. */
export interface Recording {
  /** Bytes the client sent towards the server. */
  toServer: Uint8Array[];
  /** Bytes the server sent towards the client. */
  toClient: Uint8Array[];
}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/** `chunks` joined into one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** Whether `needle` occurs in `haystack`. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.byteLength <= haystack.byteLength; i++) {
    for (let j = 0; j < needle.byteLength; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * Listens on 127.0.0.1 (a free port), forwards every connection to `127.0.0.1:targetPort` and
 * records what passes.
 *
 * @example
 * ```ts ignore
 * await using proxy = RecordingProxy.start(server.port);
 * // connect a client to proxy.port, then inspect proxy.recordings
 * ```
 */
export class RecordingProxy implements AsyncDisposable {
  /** The port clients connect to. */
  readonly port: number;
  /** One recording per accepted connection, in the order they came. */
  readonly recordings: Recording[] = [];
  readonly #targetPort: number;
  readonly #listener: Deno.TcpListener;
  readonly #conns = new Set<Deno.TcpConn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accepting = this.#accept();
  }

  /** Starts a proxy to the server on `127.0.0.1:targetPort`. */
  static start(targetPort: number): RecordingProxy {
    return new RecordingProxy(targetPort);
  }

  /** Every byte recorded in both directions of every connection, one array per direction. */
  allBytes(): { toServer: Uint8Array; toClient: Uint8Array } {
    return {
      toServer: concatBytes(this.recordings.flatMap((recording) => recording.toServer)),
      toClient: concatBytes(this.recordings.flatMap((recording) => recording.toClient)),
    };
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    closeQuietly(this.#listener);
    await this.#accepting;
    for (const conn of this.#conns) closeQuietly(conn);
    await Promise.allSettled([...this.#tasks]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        const task = this.#open(client).finally(() => this.#tasks.delete(task));
        this.#tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  }

  async #open(client: Deno.TcpConn): Promise<void> {
    this.#conns.add(client);
    let server: Deno.TcpConn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: this.#targetPort });
    } catch {
      closeQuietly(client);
      return;
    }
    this.#conns.add(server);
    const recording: Recording = { toServer: [], toClient: [] };
    this.recordings.push(recording);
    const done = () => {
      closeQuietly(client);
      closeQuietly(server);
    };
    await Promise.all([
      this.#pump(client, server, recording.toServer).finally(done),
      this.#pump(server, client, recording.toClient).finally(done),
    ]);
    this.#conns.delete(client);
    this.#conns.delete(server);
  }

  async #pump(from: Deno.TcpConn, to: Deno.TcpConn, record: Uint8Array[]): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buffer);
        if (n === null) break;
        const bytes = buffer.slice(0, n);
        record.push(bytes);
        for (let written = 0; written < n;) written += await to.write(bytes.subarray(written));
      }
    } catch {
      // Reset, or closed by the other direction or close().
    }
  }
}
