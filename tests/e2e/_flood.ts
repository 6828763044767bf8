import net from "node:net";
import { tail, Watch } from "./_wait.ts";

/** What became of one connection of a {@linkcode Flood}. */
export interface FloodConnection {
  /** `performance.now()` when it connected, if it did. */
  connectedAt?: number;
  /** `performance.now()` when it ended (closed by the server, reset, or failed to connect). */
  endedAt?: number;
  /** Whether connecting failed. */
  failed: boolean;
  /** What the server sent, as text. */
  received: string;
}

/**
 * Many connections that each send `greeting` (a request begun and never finished, or nothing)
 * and then wait, as an attacker's do, spread over loopback source addresses. Disposing ends
 * every one still open.
 */
export class Flood implements AsyncDisposable {
  readonly connections: FloodConnection[] = [];
  readonly #sockets: net.Socket[] = [];
  readonly #watch = new Watch();

  constructor(
    port: number,
    options: { count: number; addresses: readonly string[]; greeting: string },
  ) {
    for (let i = 0; i < options.count; i++) {
      const connection: FloodConnection = { failed: false, received: "" };
      this.connections.push(connection);
      const localAddress = options.addresses[i % options.addresses.length];
      const socket = net.connect({ host: "127.0.0.1", port, localAddress });
      this.#sockets.push(socket);
      socket.on("connect", () => {
        connection.connectedAt = performance.now();
        if (options.greeting !== "") socket.write(options.greeting);
        this.#watch.notify();
      });
      socket.on("data", (data: Uint8Array) => {
        connection.received += new TextDecoder().decode(data);
      });
      socket.on("error", () => {
        if (connection.connectedAt === undefined) connection.failed = true;
      });
      socket.on("close", () => {
        connection.endedAt = performance.now();
        this.#watch.notify();
      });
    }
  }

  /** Connections that have ended. */
  get ended(): number {
    return this.connections.filter((connection) => connection.endedAt !== undefined).length;
  }

  /** Connections that have connected (and may have ended since). */
  get connected(): number {
    return this.connections.filter((connection) => connection.connectedAt !== undefined).length;
  }

  /** Resolves once `check()` holds, re-checked whenever a connection opens or ends. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.#watch.until(() => check() ? true : undefined, {
      what,
      timeoutMs,
      context: () => this.describe(),
    }).then(() => {});
  }

  /** A summary for failure messages. */
  describe(): string {
    const responses = new Map<string, number>();
    for (const { received } of this.connections) {
      const first = received.split("\r\n")[0] || "(nothing)";
      responses.set(first, (responses.get(first) ?? 0) + 1);
    }
    return tail([
      `${this.connections.length} connections, ${this.connected} connected, ${this.ended} ended, ${
        this.connections.filter((connection) => connection.failed).length
      } failed to connect`,
      ...[...responses].map(([line, count]) => `${count} × ${line}`),
    ]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await this.until(() => this.ended === this.connections.length, "the flood to be released")
      .catch(() => {});
  }
}
