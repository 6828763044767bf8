/**
 * What the fan-out generator needs of a protocol: a client that joins the one room, sends a
 * message text on demand, and reports every delivery to a {@linkcode DeliverySink}. Plus the
 * socket plumbing the chat and IRC adapters share.
 *
 * @module
 */
import { withTimeout, writeAll } from "../../tests/support/mod.ts";
import { type DeliverySink, nowMicros } from "./tracker.ts";
import { closeQuietly } from "../shared/mod.ts";

/** Errors of a run, by kind, with the first detail of each. */
export class ErrorLog {
  readonly #kinds = new Map<string, { count: number; sample: string }>();

  add(kind: string, detail = ""): void {
    const entry = this.#kinds.get(kind);
    if (entry === undefined) this.#kinds.set(kind, { count: 1, sample: detail.slice(0, 160) });
    else entry.count++;
  }

  get total(): number {
    let total = 0;
    for (const { count } of this.#kinds.values()) total += count;
    return total;
  }

  entries(): { kind: string; count: number; sample: string }[] {
    return [...this.#kinds].map(([kind, entry]) => ({ kind, ...entry }));
  }
}

/** What every client of one run shares. */
export interface RunContext {
  port: number;
  sink: DeliverySink;
  errors: ErrorLog;
  /** True once the run is tearing down: a closed connection is then no error. */
  readonly closing: boolean;
}

/** One connected client, a member of the room. */
export interface FanoutClient {
  readonly index: number;
  /** Sends `text` to the room; `id` is unique per client (a request id where one is needed). */
  send(text: string, id: string): void;
  close(): void;
}

/** A protocol: how a client connects, joins and sends. */
export interface Adapter {
  /** Resolves once client `index` is registered and in the room. */
  connect(index: number, context: RunContext): Promise<FanoutClient>;
}

/** A loopback TCP connection with ordered whole writes and a read loop. */
export class Socket {
  readonly #conn: Deno.TcpConn;
  readonly #errors: ErrorLog;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(conn: Deno.TcpConn, errors: ErrorLog) {
    this.#conn = conn;
    this.#errors = errors;
  }

  static async open(port: number, errors: ErrorLog): Promise<Socket> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new Socket(conn, errors);
  }

  /** Queues `bytes` behind earlier writes. */
  write(bytes: Uint8Array): void {
    this.#writing = this.#writing.then(() => writeAll(this.#conn, bytes)).catch((error) => {
      if (!this.#closed) this.#errors.add("write failed", String(error));
    });
  }

  /**
   * Reads until the connection ends, handing each read to `onBytes` with its arrival time (one
   * clock reading per read: everything in it arrived together). Resolves when the peer closed.
   */
  async read(onBytes: (bytes: Uint8Array, atMicros: number) => void): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    for (;;) {
      let read: number | null;
      try {
        read = await this.#conn.read(buffer);
      } catch {
        return;
      }
      if (read === null) return;
      onBytes(buffer.subarray(0, read), nowMicros());
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }
}

/**
 * Resolves with the client once `joined` does (30 s at most); otherwise closes `socket`, waits
 * until its reader has stopped, and rethrows, so that a client that never joined leaves
 * nothing behind.
 */
export async function whenJoined(
  socket: Socket,
  options: {
    index: number;
    joined: Promise<void>;
    reading: Promise<void>;
    send: FanoutClient["send"];
  },
): Promise<FanoutClient> {
  const { index } = options;
  try {
    await withTimeout(options.joined, { timeoutMs: 30_000, what: `client ${index} to join` });
  } catch (error) {
    socket.close();
    await options.reading;
    throw error;
  }
  return { index, send: options.send, close: () => socket.close() };
}

/** Runs `connect` for indices 0..count-1, at most `concurrency` at a time. */
export async function connectAll(
  count: number,
  options: {
    concurrency: number;
    connect: (index: number) => Promise<FanoutClient>;
    onError: (index: number, error: unknown) => void;
  },
): Promise<(FanoutClient | undefined)[]> {
  const clients: (FanoutClient | undefined)[] = new Array(count).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        clients[index] = await options.connect(index);
      } catch (error) {
        options.onError(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  return clients;
}
