/**
 * Finding the marker in received bytes without decoding them (a thousand receivers decoding
 * every message would measure the generator, not the server), and handing the delivery to the
 * tracker of its phase.
 *
 * @module
 */
import { MARKER, TILDE } from "./message_text.ts";
import type { PhaseTracker } from "./phase_tracker.ts";

/** Routes markers found in received bytes to the tracker of their phase. */
export class DeliverySink {
  readonly #phases = new Map<number, PhaseTracker>();
  /** Markers of phases no tracker is open for, and unreadable markers. */
  stray = 0;

  /** Routes the markers of `tracker`'s phase to it from now on. */
  open(tracker: PhaseTracker): void {
    this.#phases.set(tracker.phase, tracker);
  }

  /**
   * Finds the marker in `bytes[from, to)` and records its delivery to `receiver`, received at
   * `atMicros`. Returns false when there is no marker: the bytes are something else.
   */
  deliver(
    receiver: number,
    bytes: Uint8Array,
    options: { from: number; to: number; atMicros: number },
  ): boolean {
    const { to, atMicros } = options;
    let at = bytes.indexOf(TILDE, options.from);
    while (at >= 0 && at + MARKER.length <= to) {
      if (bytes[at + 1] === MARKER[1] && bytes[at + 2] === MARKER[2] && bytes[at + 3] === TILDE) {
        break;
      }
      at = bytes.indexOf(TILDE, at + 1);
    }
    if (at < 0 || at + MARKER.length > to) return false;
    // Four numbers, each ended by "~".
    const numbers = [0, 0, 0, 0];
    let position = at + MARKER.length;
    for (let i = 0; i < 4; i++) {
      let value = 0;
      let digits = 0;
      for (; position < to; position++) {
        const byte = bytes[position];
        if (byte < 0x30 || byte > 0x39) break;
        value = value * 10 + (byte - 0x30);
        digits++;
      }
      if (digits === 0 || bytes[position] !== TILDE) {
        this.stray++;
        return true;
      }
      numbers[i] = value;
      position++;
    }
    const tracker = this.#phases.get(numbers[0]);
    if (tracker === undefined) this.stray++;
    else tracker.record(receiver, numbers[1], numbers[2], numbers[3], atMicros);
    return true;
  }
}
