/**
 * Counts open connections in all and per address, and refuses those over either limit (0 means
 * no limit), so one machine cannot take all the server's sockets. One instance serves every
 * port. The total can be capped lower while the server runs, when it finds out how many
 * connections its file descriptors allow (see descriptor_reserve.ts).
 *
 * @example
 * ```ts
 * import { ConnectionLimits } from "./connection_limits.ts";
 * const limits = new ConnectionLimits({ total: 0, perAddress: 1 });
 * limits.admit("192.0.2.7"); // undefined: admitted
 * limits.admit("192.0.2.7"); // "Too many connections from 192.0.2.7 (limit 1)."
 * ```
 */
export class ConnectionLimits {
  #total: number;
  readonly #configuredTotal: number;
  readonly #perAddress: number;
  readonly #byAddress = new Map<string, number>();
  #open = 0;

  constructor(options: { total: number; perAddress: number }) {
    this.#total = this.#configuredTotal = options.total;
    this.#perAddress = options.perAddress;
  }

  /** Connections counted in and not yet released. */
  get open(): number {
    return this.#open;
  }

  /** The total in force: the configured one, or the cap if lower (0: no limit). */
  get total(): number {
    return this.#total;
  }

  /** Lowers the total to `connections` (at least 1), unless the configured one is lower. */
  cap(connections: number): void {
    const cap = Math.max(1, connections);
    this.#total = this.#configuredTotal === 0 ? cap : Math.min(this.#configuredTotal, cap);
  }

  /** Counts a new connection in; returns why it is refused instead, if it is. */
  admit(address: string): string | undefined {
    if (this.#total > 0 && this.#open >= this.#total) {
      return `The server is full (${this.#total} connections); try again later.`;
    }
    const count = this.#byAddress.get(address) ?? 0;
    if (this.#perAddress > 0 && count >= this.#perAddress) {
      return `Too many connections from ${address} (limit ${this.#perAddress}).`;
    }
    this.#byAddress.set(address, count + 1);
    this.#open++;
    return undefined;
  }

  /** Counts a connection of `address` out. */
  release(address: string): void {
    const count = (this.#byAddress.get(address) ?? 1) - 1;
    if (count <= 0) this.#byAddress.delete(address);
    else this.#byAddress.set(address, count);
    this.#open--;
  }
}
