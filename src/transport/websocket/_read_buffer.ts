import type { ByteSource } from "../byte_source.ts";

/**
 * What an idle connection reads into. A pending read holds its buffer, so this is paid by every
 * connection all the time: small, so that ten thousand of them stay cheap. A chat message fits.
 */
const IDLE_READ_BYTES = 1024;
/** What a connection reads into after a read filled its buffer: it has more to say. */
const BUSY_READ_BYTES = 16 * 1024;

/**
 * The bytes read from a source and not used yet, in a buffer sized for what the peer is doing:
 * small while it is quiet, larger while it sends much, and grown (doubling) only when full, so
 * that it holds what arrived, never what a peer announced. A failed read counts as the end.
 */
export class ReadBuffer {
  readonly #source: ByteSource;
  #buffer: Uint8Array;
  #start = 0;
  #end = 0;
  /** Whether the last read filled the buffer: the peer has more to say. */
  #busy = false;

  constructor(source: ByteSource, buffered: Uint8Array = new Uint8Array(0)) {
    this.#source = source;
    this.#buffer = new Uint8Array(Math.max(IDLE_READ_BYTES, buffered.byteLength));
    this.#buffer.set(buffered);
    this.#end = buffered.byteLength;
  }

  /** The bytes buffered and not used yet; a view, valid until the next read. */
  get unread(): Uint8Array {
    return this.#buffer.subarray(this.#start, this.#end);
  }

  /** Uses `bytes` buffered bytes (at most those buffered); returns a view of them. */
  take(bytes: number): Uint8Array {
    const view = this.#buffer.subarray(this.#start, Math.min(this.#end, this.#start + bytes));
    this.#start += view.byteLength;
    return view;
  }

  /**
   * When nothing is buffered: back to the small idle buffer while the peer is quiet (true is
   * returned, for the caller to let go of what it keeps for busy times), the larger one while it
   * is busy.
   */
  settle(): boolean {
    if (this.#start !== this.#end) return false;
    this.#start = this.#end = 0;
    const size = this.#busy ? BUSY_READ_BYTES : IDLE_READ_BYTES;
    if (this.#buffer.byteLength !== size) this.#buffer = new Uint8Array(size);
    return size === IDLE_READ_BYTES;
  }

  /** Reads until at least `bytes` bytes are buffered; false if the source ends first. */
  async fill(bytes: number): Promise<boolean> {
    while (this.#end - this.#start < bytes) {
      if (this.#start > 0 && this.#buffer.byteLength - this.#start < bytes) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      if (this.#end === this.#buffer.byteLength) {
        const grown = new Uint8Array(Math.min(bytes, this.#buffer.byteLength * 2));
        grown.set(this.#buffer.subarray(0, this.#end));
        this.#buffer = grown;
      }
      const read = await this.#read(this.#buffer.subarray(this.#end));
      if (read === null) return false;
      this.#end += read;
      this.#busy = this.#end === this.#buffer.byteLength;
    }
    return true;
  }

  /**
   * Fills all of `target`: the buffered bytes first, then straight from the source, with no
   * copy; false if the source ends first.
   */
  async readInto(target: Uint8Array): Promise<boolean> {
    const buffered = this.take(target.byteLength);
    target.set(buffered);
    let filled = buffered.byteLength;
    while (filled < target.byteLength) {
      const read = await this.#read(target.subarray(filled));
      if (read === null) return false;
      filled += read;
    }
    this.#busy = true;
    return true;
  }

  /** Reads and drops `bytes` bytes; false if the source ends first. */
  async skip(bytes: number): Promise<boolean> {
    let left = bytes - this.take(bytes).byteLength;
    while (left > 0) {
      this.settle();
      const read = await this.#read(
        this.#buffer.subarray(0, Math.min(left, this.#buffer.byteLength)),
      );
      if (read === null) return false;
      left -= read;
    }
    return true;
  }

  /** Reads and drops everything until the source ends. */
  async drain(): Promise<void> {
    this.#start = this.#end = 0;
    while (await this.#read(this.#buffer) !== null) {
      // Dropped.
    }
  }

  async #read(into: Uint8Array): Promise<number | null> {
    try {
      return await this.#source.read(into);
    } catch {
      return null;
    }
  }
}
