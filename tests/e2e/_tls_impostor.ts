/**
 * A TLS server with a certificate of its own that plays someone intercepting the connection:
 * it completes the TLS handshake with whoever connects and records every decrypted byte they
 * send, so tests can check that a client who refuses the certificate sends it nothing.
 *
 * @module
 */
import { fingerprintOf, generateSelfSigned } from "../../src/server/mod.ts";
import { withTimeout } from "../support/mod.ts";

/** What one connection to the impostor did. */
export interface ImpostorConnection {
  /** Whether the TLS handshake completed. */
  handshake: boolean;
  /** Decrypted bytes the client sent after the handshake. */
  received: number;
}

/** A TLS listener on 127.0.0.1 with a freshly generated self-signed certificate. */
export class TlsImpostor implements AsyncDisposable {
  /** The port clients are sent to. */
  readonly port: number;
  /** The fingerprint of the impostor's certificate, as `chat serve` would print it. */
  readonly fingerprint: string;
  /** One entry per accepted connection. */
  readonly connections: ImpostorConnection[] = [];
  readonly #listener: Deno.TlsListener;
  readonly #conns = new Set<Deno.TlsConn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;

  private constructor(listener: Deno.TlsListener, fingerprint: string) {
    this.#listener = listener;
    this.fingerprint = fingerprint;
    this.port = (listener.addr as Deno.NetAddr).port;
    this.#accepting = this.#accept();
  }

  /** Listens on `port` (a free one unless told) with a new certificate. */
  static async start(port = 0): Promise<TlsImpostor> {
    const { cert, key } = await generateSelfSigned();
    const listener = Deno.listenTls({ hostname: "127.0.0.1", port, cert, key });
    return new TlsImpostor(listener, await fingerprintOf(cert));
  }

  /** Waits until every connection so far has ended (the client closed it). */
  async settled(timeoutMs = 5_000): Promise<void> {
    await withTimeout(Promise.allSettled([...this.#tasks]), {
      timeoutMs,
      what: "the connections to the impostor to end",
      context: () => JSON.stringify(this.connections),
    });
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    await this.#accepting;
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
    await Promise.allSettled([...this.#tasks]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        const task = this.#serve(conn).finally(() => this.#tasks.delete(task));
        this.#tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  }

  async #serve(conn: Deno.TlsConn): Promise<void> {
    this.#conns.add(conn);
    const record: ImpostorConnection = { handshake: false, received: 0 };
    this.connections.push(record);
    const buffer = new Uint8Array(16 * 1024);
    try {
      await conn.handshake();
      record.handshake = true;
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        record.received += n;
      }
    } catch {
      // The client reset the connection or broke off the handshake.
    } finally {
      this.#conns.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }
}
