/**
 * Chat latency while something else runs: one client sends a message every `intervalMs`, a
 * second client in the same room notes when each arrives. Both live in this process, so one
 * clock (`performance.now()`) times both ends.
 *
 * @module
 */
import { ChatClient, dialer } from "../../src/client/mod.ts";
import { nearestRank, sleep } from "../shared/mod.ts";

/** One message: when it was sent and, if it arrived, when. */
export interface LatencySample {
  sentAt: number;
  receivedAt?: number;
}

/** Figures over the samples of a window. */
export interface LatencyStats {
  /** Messages sent in the window. */
  sent: number;
  /** Of those, how many arrived. */
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const PREFIX = "bench-latency ";

/** Two connected clients that measure message delivery on demand. */
export class LatencyProbe implements AsyncDisposable {
  readonly #sender: ChatClient;
  readonly #receiver: ChatClient;
  readonly #samples: LatencySample[];
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(sender: ChatClient, receiver: ChatClient, samples: LatencySample[]) {
    this.#sender = sender;
    this.#receiver = receiver;
    this.#samples = samples;
  }

  /** Connects both clients to the lobby of the server on 127.0.0.1:`port`. */
  static async connect(port: number, passkey: string): Promise<LatencyProbe> {
    const samples: LatencySample[] = [];
    const common = {
      open: dialer({ hostname: "127.0.0.1", port }),
      clientName: "chat-bench",
      passkey,
      room: "lobby",
    };
    const receiver = await ChatClient.connect({
      ...common,
      nick: "bench-recv",
      onMessage(message) {
        if (message.type !== "message" || message.from !== "bench-send") return;
        if (!message.text.startsWith(PREFIX)) return;
        const sample = samples[Number(message.text.slice(PREFIX.length))];
        if (sample !== undefined) sample.receivedAt ??= performance.now();
      },
    });
    try {
      const sender = await ChatClient.connect({ ...common, nick: "bench-send", onMessage() {} });
      return new LatencyProbe(sender, receiver, samples);
    } catch (error) {
      receiver.close();
      throw error;
    }
  }

  /** Starts sending a message every `intervalMs`. */
  start(intervalMs = 50): void {
    this.#timer ??= setInterval(() => {
      const seq = this.#samples.length;
      this.#samples.push({ sentAt: performance.now() });
      this.#sender.send(`${PREFIX}${seq}`).catch(() => {});
    }, intervalMs);
  }

  /** Stops sending, and waits up to `graceMs` for messages still on their way. */
  async stop(graceMs = 2_000): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const deadline = performance.now() + graceMs;
    while (
      performance.now() < deadline && this.#samples.some((sample) => !sample.receivedAt)
    ) {
      await sleep(10);
    }
  }

  /** Figures for the messages sent between `from` and `to` (`performance.now()` values). */
  stats(from: number, to: number): LatencyStats {
    const window = this.#samples.filter((sample) => sample.sentAt >= from && sample.sentAt <= to);
    const delays = window
      .filter((sample) => sample.receivedAt !== undefined)
      .map((sample) => sample.receivedAt! - sample.sentAt)
      .sort((a, b) => a - b);
    return {
      sent: window.length,
      received: delays.length,
      p50Ms: nearestRank(delays, 0.5),
      p99Ms: nearestRank(delays, 0.99),
      maxMs: delays.at(-1) ?? NaN,
    };
  }

  /** Stops sending and closes both clients. */
  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#timer);
    this.#sender.close();
    this.#receiver.close();
    await Promise.allSettled([this.#sender.closed, this.#receiver.closed]);
  }
}
