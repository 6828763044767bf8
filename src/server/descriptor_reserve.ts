/**
 * File descriptors kept back from connections, so that a flood of connections cannot leave the
 * server unable to open a file.
 *
 * Every connection is a descriptor, and so is every file the server opens. If connections took
 * them all, the next file opened would fail: SQLite could not open a temporary file, an upload
 * could not open its `.part` file, a download its blob, and Deno itself panics, ending the
 * process, when a new thread cannot get its descriptors (a large upload's hashing thread;
 * measured with Deno 2.9.6).
 *
 * The process's limit is not known in advance: Deno raises the soft limit to the hard one when
 * it starts, and reading `/proc/self/limits` takes `--allow-all` (Deno guards all of `/proc`).
 * So the server finds the limit by meeting it, with its reserve in hand: it holds
 * {@linkcode FD_RESERVE} descriptors (the data directory, opened again and again) from the start,
 * and after each connection it admits, it opens and closes one more. When that fails, or
 * `accept()` fails for want of a descriptor, the descriptors are all in use: the server caps
 * connections near the number open and lets the reserve go. From then on (until it restarts)
 * files have the reserve, or half of what connections and reserve share together on a process
 * with a small limit. The check costs one `open` and one `close` per connection admitted.
 *
 * What the reserve covers, measured with Deno 2.9.6 on Linux (the runtime's own descriptors,
 * SQLite's database, journal and shared memory, the standard streams the log goes to and the
 * listeners, about 30 in all, are open before it is taken):
 * - connections being refused: at most 32 per port at once (see accept_loop.ts), 64 in all;
 * - file transfers of logged-in users: a download holds one descriptor while it reads, an upload
 *   one for its `.part` file, a large upload 7 more for its hashing thread (which opens the
 *   file again; a thread costs Deno 6);
 * - SQLite's occasional temporary files.
 *
 * That leaves about 190 for transfers: some 20 large uploads, or a hundred and more downloads, at
 * the very moment connections are at their limit. Only logged-in users transfer files, and no
 * count of transfers per user is enforced yet, so the reserve makes running out unlikely rather
 * than impossible; an attacker without the passkey, who can only open connections, cannot reach
 * it. A transfer whose file cannot be opened fails with a `storage` error, and a failed
 * `accept()` is survived (see accept_loop.ts).
 *
 * @module
 */
import type { ConnectionLimits } from "./connection_limits.ts";

/** Descriptors kept back from connections for files. */
export const FD_RESERVE = 256;

/** An open descriptor held only to be let go of. */
export interface Placeholder {
  close(): void;
}

/** Settings of {@linkcode DescriptorReserve}. */
export interface DescriptorReserveOptions {
  /** Opens a descriptor (the data directory); throws like `Deno.openSync` when it cannot. */
  open(): Placeholder;
  /** The connection limits to cap. */
  limits: ConnectionLimits;
  log: (line: string) => void;
  /** Descriptors to keep back; {@linkcode FD_RESERVE} unless told. */
  size?: number;
}

/**
 * Holds descriptors back from connections until the process runs out, then caps connections so
 * that they stay free for files (see the module's comment).
 *
 * @example
 * ```ts ignore
 * const reserve = new DescriptorReserve({ open: () => Deno.openSync(dataDir), limits, log });
 * // After each admitted connection:
 * reserve.afterAdmit();
 * ```
 */
export class DescriptorReserve {
  readonly #options: DescriptorReserveOptions;
  #held: Placeholder[] = [];
  /** Whether connections are capped and the reserve let go of: nothing more to watch. */
  #capped = false;

  constructor(options: DescriptorReserveOptions) {
    this.#options = options;
    const size = options.size ?? FD_RESERVE;
    try {
      while (this.#held.length < size) this.#held.push(options.open());
    } catch (error) {
      if (!isOutOfDescriptors(error)) {
        // No placeholder to open on this system: no reserve, and accept() failures are survived.
        this.#letGo(this.#held.length);
        return;
      }
      // A process with fewer descriptors than the reserve keeps half of what it has.
      this.#letGo(Math.ceil(this.#held.length / 2));
    }
  }

  /** Descriptors held back now. */
  get held(): number {
    return this.#held.length;
  }

  /**
   * After a connection was admitted: if not one descriptor is left beyond the reserve, the
   * process is at its limit ({@linkcode DescriptorReserve.exhausted}).
   */
  afterAdmit(): void {
    if (this.#capped || this.#held.length === 0) return;
    try {
      this.#options.open().close();
    } catch (error) {
      if (isOutOfDescriptors(error)) this.exhausted();
    }
  }

  /**
   * The process has no descriptor left: connections are capped so that, at the cap, the reserve
   * (at most half of what connections and reserve hold together) stays free, and it is let go.
   */
  exhausted(): void {
    if (this.#capped || this.#held.length === 0) return;
    this.#capped = true;
    const { limits } = this.#options;
    const held = this.#held.length;
    const shared = limits.open + held;
    const kept = Math.min(held, Math.floor(shared / 2));
    const cap = Math.max(limits.open, shared - kept);
    limits.cap(cap);
    this.#letGo(held);
    this.#options.log(
      `out of file descriptors at ${shared - held} connections: at most ${limits.total} from ` +
        `now on, keeping ${shared - limits.total} descriptors for files (raise ulimit -n for ` +
        "more, then restart)",
    );
  }

  /** Lets the whole reserve go, for shutdown. */
  close(): void {
    this.#capped = true;
    this.#letGo(this.#held.length);
  }

  #letGo(count: number): void {
    for (const placeholder of this.#held.splice(0, count)) placeholder.close();
  }
}

/** Whether `error` says the process (EMFILE) or the system (ENFILE) has no descriptor left. */
export function isOutOfDescriptors(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EMFILE" || code === "ENFILE";
}
