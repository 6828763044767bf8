/**
 * The text of every fan-out message: a marker with its phase, sender, sequence number and send
 * time, then filler to the size of a chat line. Receivers learn everything from the text, so
 * they share no state with senders, and the generator, being one process, stamps and times
 * both ends with one clock.
 *
 * @module
 */

/** Wall-clock microseconds from the one clock of this process. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const encoder = new TextEncoder();
/** `~`, which ends every field of the marker. */
export const TILDE = 0x7e;
/** What every message text starts with: `~fo~PHASE~SENDER~SEQ~MICROS~`. */
export const MARKER: Uint8Array = encoder.encode("~fo~");
/** Fills every message to the same size, about that of a chat line. */
const FILLER = " the quick brown fox jumps over the lazy dog";

/** The text of message `seq` of `sender` in `phase`, stamped with the time now. */
export function messageText(phase: number, sender: number, seq: number): string {
  return `~fo~${phase}~${sender}~${seq}~${nowMicros()}~${FILLER}`;
}
