/**
 * The two timed parts of a phase: sending on a fixed schedule (message j at start + j/rate,
 * whatever the server does, so a slow server shows as latency rather than as a slower
 * schedule), and waiting for the deliveries still on their way.
 *
 * @module
 */
import { sleep } from "../shared/mod.ts";
import type { FanoutClient } from "./adapter.ts";
import { messageText } from "./message_text.ts";
import { type PhaseTracker, senderClientIndex } from "./phase_tracker.ts";

/**
 * Sends the phase's messages at `rate` a second in all: message j at start + j/rate, from
 * sender j mod S, so each sender sends once every S/rate seconds, spread evenly.
 */
export async function sendOnSchedule(
  tracker: PhaseTracker,
  clients: (FanoutClient | undefined)[],
  rate: number,
): Promise<void> {
  const start = performance.now();
  for (let message = 0; message < tracker.messages; message++) {
    const due = start + (message * 1000) / rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    const sender = message % tracker.senders;
    const seq = Math.floor(message / tracker.senders);
    const client = clients[senderClientIndex(sender, tracker.senders, tracker.clients)];
    if (client === undefined) continue;
    tracker.noteSend(Math.max(0, performance.now() - due));
    client.send(messageText(tracker.phase, sender, seq), `${tracker.phase}.${seq}`);
  }
}

/**
 * Waits until every expected delivery has arrived, or none has for `stallMs`, or `maxMs` have
 * passed: whichever comes first.
 */
export async function drain(
  tracker: PhaseTracker,
  options: { stallMs: number; maxMs: number },
): Promise<void> {
  const deadline = performance.now() + options.maxMs;
  let timer: ReturnType<typeof setInterval> | undefined;
  const givenUp = new Promise<void>((resolve) => {
    let lastCount = tracker.received;
    let lastProgress = performance.now();
    timer = setInterval(() => {
      const now = performance.now();
      if (tracker.received !== lastCount) {
        lastCount = tracker.received;
        lastProgress = now;
      }
      if (now - lastProgress >= options.stallMs || now >= deadline) resolve();
    }, 100);
  });
  try {
    await Promise.race([tracker.complete, givenUp]);
  } finally {
    clearInterval(timer);
  }
}
