import type { Duplex } from "node:stream";
import { type DecodeResult, FrameDecoder, type Outbound } from "../protocol/mod.ts";
import type { Connection } from "./connection.ts";

/**
 * A {@linkcode Connection} over a Node.js stream socket, such as the `node:tls` socket the client
 * uses when it must check a server's certificate fingerprint itself.
 */
export class NodeSocketConnection implements Connection {
  readonly remote: string;
  readonly #socket: Duplex;
  #writing: Promise<void> = Promise.resolve();
  readonly #decoder = new FrameDecoder();

  constructor(socket: Duplex, remote: string) {
    this.#socket = socket;
    this.remote = remote;
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
    try {
      for await (const chunk of this.#socket) {
        for (const result of decoder.push(chunk as Uint8Array)) yield result;
        if (decoder.failed) return;
      }
    } catch {
      // A reset or TLS error ends the stream like an EOF.
    }
  }

  send(items: readonly Outbound[]): Promise<void> {
    const written = this.#writing.then(() => this.#write(items));
    this.#writing = written.catch(() => {});
    return written;
  }

  #write(items: readonly Outbound[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#socket.destroyed) return reject(new Error("The connection is closed."));
      let ok = true;
      for (const item of items) ok = this.#socket.write(item.frame);
      if (ok) return resolve();
      const done = (error?: Error) => {
        this.#socket.off("drain", done);
        this.#socket.off("close", done);
        if (error) reject(error);
        else resolve();
      };
      this.#socket.once("drain", done);
      this.#socket.once("close", done);
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
