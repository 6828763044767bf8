/**
 * The socket plumbing the chat and IRC adapters share: ordered whole writes without awaiting
 * each one (a sender must not wait on a slow socket), a read loop that stamps each read with
 * one clock reading, and the clean-up of a client that never joined.
 *
 * @module
 */
import { withTimeout, writeAll } from "../../tests/support/mod.ts";
import { closeQuietly } from "../shared/mod.ts";
import type { FanoutClient } from "./adapter.ts";
import type { ErrorLog } from "./error_log.ts";
import { nowMicros } from "./message_text.ts";

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

  /** Connects to 127.0.0.1:`port` with Nagle's algorithm off; write failures go to `errors`. */
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

  /** Closes the connection; safe to call twice. */
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
