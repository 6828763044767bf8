import type { Subscription } from "@nats-io/transport-node";
import type { Signal, SignalBus } from "../../chat/signal_bus.ts";
import type { NatsContext } from "./context.ts";

/** A signal as it travels between nodes: which node sent it. */
interface Envelope {
  node: string;
  signal: Signal;
}

/**
 * The {@linkcode SignalBus} of a cluster: plain NATS publish and subscribe on one subject,
 * `PREFIX.signals`, which every node listens to. What this node publishes reaches its own
 * connections at once and the other nodes' through NATS; nothing is stored, and a node that is
 * away misses what was said meanwhile (typing, presence), as a connection would.
 *
 * @example
 * ```ts ignore
 * const bus = NatsSignalBus.open(context);
 * bus.subscribe((signal) => console.log(signal.to));
 * await bus.publish({ to: "role", nick: "ana", operator: true });
 * ```
 */
export class NatsSignalBus implements SignalBus {
  readonly #context: NatsContext;
  readonly #subject: string;
  readonly #listeners = new Set<(signal: Signal) => void>();
  readonly #subscription: Subscription;

  private constructor(context: NatsContext) {
    this.#context = context;
    this.#subject = `${context.prefix}.signals`;
    this.#subscription = context.nc.subscribe(this.#subject, {
      callback: (error, message) => {
        if (error !== null) return;
        let envelope: Envelope;
        try {
          envelope = message.json<Envelope>();
        } catch {
          return;
        }
        if (envelope.node === this.#context.node) return;
        this.#hand(envelope.signal);
      },
    });
  }

  /** Starts listening to the other nodes' signals. */
  static open(context: NatsContext): NatsSignalBus {
    return new NatsSignalBus(context);
  }

  publish(signal: Signal): Promise<void> {
    this.#hand(signal);
    try {
      const envelope: Envelope = { node: this.#context.node, signal };
      this.#context.nc.publish(this.#subject, JSON.stringify(envelope));
    } catch {
      // Closed or draining: the other nodes miss a signal, as they would a moment of silence.
    }
    return Promise.resolve();
  }

  subscribe(listener: (signal: Signal) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops listening. */
  close(): void {
    this.#subscription.unsubscribe();
  }

  #hand(signal: Signal): void {
    for (const listener of this.#listeners) listener(signal);
  }
}
