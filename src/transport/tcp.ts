import { type DecodeResult, FrameDecoder, type OutboundMessage } from "../protocol/mod.ts";
import type { Connection } from "./connection.ts";

const READ_BUFFER_BYTES = 16 * 1024;

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

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    const address = conn.remoteAddr as Deno.NetAddr;
    this.remote = address.hostname.includes(":")
      ? `[${address.hostname}]:${address.port}`
      : `${address.hostname}:${address.port}`;
  }

  async *frames(): AsyncGenerator<DecodeResult> {
    const decoder = new FrameDecoder();
    const buffer = new Uint8Array(READ_BUFFER_BYTES);
    while (!this.#closed) {
      let read: number | null;
      try {
        read = await this.#conn.read(buffer);
      } catch {
        return;
      }
      if (read === null) return;
      for (const result of decoder.push(buffer.subarray(0, read))) yield result;
      if (decoder.failed) return;
    }
  }

  async send(messages: readonly OutboundMessage[]): Promise<void> {
    let bytes: Uint8Array;
    if (messages.length === 1) {
      bytes = messages[0].frame;
    } else {
      let total = 0;
      for (const message of messages) total += message.frame.byteLength;
      bytes = new Uint8Array(total);
      let offset = 0;
      for (const message of messages) {
        bytes.set(message.frame, offset);
        offset += message.frame.byteLength;
      }
    }
    let written = 0;
    while (written < bytes.byteLength) {
      written += await this.#conn.write(bytes.subarray(written));
    }
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
