/**
 * What the hub tells connections that is not an event of the log: typing, presence, read
 * markers, and the host controls' orders (a kick, a ban, a role given or taken). On one machine
 * they go straight to the hub's own connections; in a cluster, the person they are for may be
 * connected to another node, so they travel on a bus every node listens to, and each node hands
 * them to its own connections. Nothing on the bus is stored: it is what the moment needs.
 *
 * @module
 */
import type { ServerMessage } from "../protocol/mod.ts";

/** A message for the connections in a room, of a person, or holding a nick; or an order. */
export type Signal =
  /** To everyone in `room` but the connection `except` (a member id). */
  | { to: "room"; room: string; message: ServerMessage; except?: string }
  /** To every connection of the person `owner` but `except`. */
  | { to: "person"; owner: string; message: ServerMessage; except?: string }
  /** To whoever holds `nick`. */
  | { to: "nick"; nick: string; message: ServerMessage }
  /** End the connections holding `nick`, or of `owner`, with a fatal error (kick, ban). */
  | {
    to: "expel";
    nick?: string;
    owner?: string;
    code: "kicked" | "banned";
    text: string;
  }
  /** `nick` became an operator, or stopped being one. */
  | { to: "role"; nick: string; operator: boolean };

/** Carries signals to every node's connections, this node's included. */
export interface SignalBus {
  /** Sends `signal` to every node; resolves once it is on its way. */
  publish(signal: Signal): Promise<void>;
  /** Calls `listener` with every signal published, by any node; returns what stops it. */
  subscribe(listener: (signal: Signal) => void): () => void;
}

/**
 * The bus of a server alone: what is published is handed to the listeners at once.
 *
 * @example
 * ```ts
 * import { LocalSignalBus } from "./signal_bus.ts";
 * const bus = new LocalSignalBus();
 * const seen: string[] = [];
 * bus.subscribe((signal) => seen.push(signal.to));
 * await bus.publish({ to: "role", nick: "ana", operator: true });
 * seen; // ["role"]
 * ```
 */
export class LocalSignalBus implements SignalBus {
  readonly #listeners = new Set<(signal: Signal) => void>();

  publish(signal: Signal): Promise<void> {
    for (const listener of this.#listeners) listener(signal);
    return Promise.resolve();
  }

  subscribe(listener: (signal: Signal) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
