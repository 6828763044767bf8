/**
 * How many free buffers a pool keeps for the frames to come; more are left to the collector.
 * Consumers bound how many are held at once (a hash 8 MiB behind, a disk write or two): keeping
 * that many spares means none is allocated again while the frames keep coming.
 */
const KEPT_FREE = 16;

/** A pool's bookkeeping for one of its buffers. */
interface Lease {
  pool: FrameBufferPool;
  buffer: Uint8Array<SharedArrayBuffer>;
  /** Holders: the reader of the frame, and whoever retained its bytes. */
  holders: number;
}

/** The lease of every buffer a pool handed out, by the memory it views. */
const leases = new WeakMap<SharedArrayBuffer, Lease>();

/**
 * Reusable buffers for large incoming frames (file chunks), whose bytes a consumer may keep
 * after the next frame is read: it {@linkcode FrameBufferPool.retain}s them, and the buffer is
 * not handed out again until every holder has released it. Reading a file chunk then costs no
 * fresh allocation (no page faults, no zeroing, no garbage) and no copy to keep it: the disk
 * write and the hashing thread read the very bytes the socket wrote.
 *
 * Buffers are `SharedArrayBuffer`s, so a worker thread can read them while this thread writes
 * them to a file.
 *
 * @example
 * ```ts
 * import { FrameBufferPool } from "./frame_buffer_pool.ts";
 * const pool = new FrameBufferPool();
 * const frame = pool.acquire(1024); // the reader's hold
 * const release = FrameBufferPool.retain(frame.subarray(5))!; // a consumer keeps the bytes
 * pool.release(frame); // the reader moves on; the buffer stays held
 * pool.acquire(1024) === frame; // false
 * release(); // now it is free again
 * ```
 */
export class FrameBufferPool {
  readonly #free: Uint8Array<SharedArrayBuffer>[] = [];
  /** Whether buffers let go of are kept: from `acquire()` until `clear()`. */
  #keeping = false;

  /**
   * Keeps the bytes of `view` from being reused until the returned function is called (once;
   * later calls do nothing). Returns undefined when `view` is not in a pool's buffer: then it
   * is only valid as long as its owner says.
   */
  static retain(view: Uint8Array): (() => void) | undefined {
    const lease = view.buffer instanceof SharedArrayBuffer ? leases.get(view.buffer) : undefined;
    if (lease === undefined || lease.holders === 0) return undefined;
    lease.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      lease.pool.#drop(lease);
    };
  }

  /** A buffer of at least `bytes` bytes, held by the caller until {@linkcode release}. */
  acquire(bytes: number): Uint8Array<SharedArrayBuffer> {
    this.#keeping = true;
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    const buffer = index === -1
      ? new Uint8Array(new SharedArrayBuffer(bytes))
      : this.#free.splice(index, 1)[0];
    if (index === -1) leases.set(buffer.buffer, { pool: this, buffer, holders: 0 });
    leases.get(buffer.buffer)!.holders = 1;
    return buffer;
  }

  /** Ends the caller's hold on a buffer from {@linkcode acquire}. */
  release(buffer: Uint8Array<SharedArrayBuffer>): void {
    const lease = leases.get(buffer.buffer);
    if (lease?.pool !== this || lease.holders === 0) {
      throw new RangeError("The buffer is not held from this pool");
    }
    this.#drop(lease);
  }

  /**
   * Forgets the free buffers, and those let go of until the next `acquire()`, for when no large
   * frames are expected for a while: an idle connection holds none.
   */
  clear(): void {
    this.#keeping = false;
    this.#free.length = 0;
  }

  #drop(lease: Lease): void {
    lease.holders--;
    if (lease.holders === 0 && this.#keeping && this.#free.length < KEPT_FREE) {
      this.#free.push(lease.buffer);
    }
  }
}
