import { type DecodeResult, FrameDecoder, type Outbound } from "../protocol/mod.ts";
import { FrameBufferPool } from "../util/mod.ts";
import type { Connection } from "./connection.ts";
import { remoteOf } from "./remote.ts";

/**
 * What an idle connection reads into. A pending read holds its buffer, so this is paid by every
 * connection all the time: small, so that ten thousand of them stay cheap. A chat frame fits.
 */
const IDLE_READ_BYTES = 1024;
/** What a connection reads into after a read filled the idle buffer: it has more to say. */
const BUSY_READ_BYTES = 16 * 1024;

/**
 * A {@linkcode Connection} over a TCP (or TLS) stream using the length-prefixed framing of
 * docs/PROTOCOL.md.
 *
 * @example
 * ```ts ignore
 * const connection = new TcpConnection(await Deno.connect({ hostname: "127.0.0.1", port: 7777 }));
 * ```
 */
export class TcpConnection implements Connection {
  readonly remote: string;
  readonly #conn: Deno.Conn;
  #closed = false;
  /** Writes asked for and not finished; the last of them, which the next one waits for. */
  #writes = 0;
  #last: Promise<void> = Promise.resolve();
  readonly #decoder = new FrameDecoder();

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.remote = remoteOf(conn);
    // Chat frames are small and must go out at once: Nagle's algorithm would hold a frame back
    // until the previous one is acknowledged, tens of milliseconds on a quiet connection.
    if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
  }

  /** The largest frame accepted from the peer from now on. */
  get maxFrameBytes(): number {
    return this.#decoder.maxFrameBytes;
  }

  set maxFrameBytes(bytes: number) {
    this.#decoder.maxFrameBytes = bytes;
  }

  async *frames(): AsyncGenerator<DecodeResult> {
    const decoder = this.#decoder;
    let buffer = new Uint8Array(IDLE_READ_BYTES);
    let filled = false;
    // Large frames (file chunks) are read into pooled buffers, which a consumer may retain to
    // keep a frame's bytes past the next one (see FrameBufferPool).
    const pool = new FrameBufferPool();
    let large: Uint8Array<SharedArrayBuffer> | undefined;
    while (!this.#closed) {
      let read: number | null;
      if (large !== undefined || decoder.missingBytes > BUSY_READ_BYTES) {
        // The rest of a large frame goes straight into its buffer, to its end: no reassembly,
        // no copy.
        large ??= pool.acquire(decoder.bufferedBytes + decoder.missingBytes);
        const target = decoder.reserve(large);
        try {
          read = await this.#conn.read(target);
        } catch {
          return;
        }
        if (read === null) return;
        filled = true;
        const results = decoder.commit(read);
        if (results.length === 0) continue;
        const frameBuffer = large;
        large = undefined;
        for (const result of results) yield result;
        pool.release(frameBuffer);
        continue;
      }
      // Bigger reads only while the last read filled the buffer; back to the idle buffer as soon
      // as the peer goes quiet again.
      const size = filled ? BUSY_READ_BYTES : IDLE_READ_BYTES;
      if (size === IDLE_READ_BYTES) pool.clear();
      if (buffer.byteLength !== size) buffer = new Uint8Array(size);
      try {
        read = await this.#conn.read(buffer);
      } catch {
        return;
      }
      if (read === null) return;
      filled = read === buffer.byteLength;
      for (const result of decoder.push(buffer.subarray(0, read))) yield result;
      if (decoder.failed) return;
    }
  }

  send(items: readonly Outbound[]): Promise<void> {
    const bytes = items.length === 1 ? items[0].frame : joinFrames(items);
    // Straight to the socket when it is idle, the usual case; queued behind the writes in
    // progress otherwise, so that frames never interleave. Two promises a write, no more: at a
    // thousand writes a round, every extra hop shows in the profile.
    const written = this.#writes === 0
      ? this.#write(bytes)
      : this.#last.then(() => this.#write(bytes), () => this.#write(bytes));
    this.#writes++;
    this.#last = written;
    return written;
  }

  /** Writes all of `bytes`, then counts the write as done. */
  #write(bytes: Uint8Array): Promise<void> {
    return this.#conn.write(bytes).then((written) => {
      if (written < bytes.byteLength) return this.#write(bytes.subarray(written));
      this.#writes--;
    }, (error) => {
      this.#writes--;
      throw error;
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

/**
 * Batches joined in this turn of the event loop. When a busy room's events go out in one round,
 * most of its members are sent the very same batch; it is joined once and its bytes shared.
 */
let joined: { items: readonly Outbound[]; bytes: Uint8Array }[] = [];
/** Distinct batches remembered per turn: the common one, and a few more. */
const JOINED_KEPT = 4;

/** The frames of `items` back to back in one buffer, shared with any identical batch this turn. */
function joinFrames(items: readonly Outbound[]): Uint8Array {
  for (const entry of joined) {
    if (sameItems(entry.items, items)) return entry.bytes;
  }
  let total = 0;
  for (const item of items) total += item.frame.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const item of items) {
    bytes.set(item.frame, offset);
    offset += item.frame.byteLength;
  }
  if (joined.length === 0) queueMicrotask(() => joined = []);
  if (joined.length < JOINED_KEPT) joined.push({ items, bytes });
  return bytes;
}

function sameItems(a: readonly Outbound[], b: readonly Outbound[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
