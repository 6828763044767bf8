/**
 * When an event happened, as both clients show it: `09:30` for today, `2026-11-21 09:30` for
 * another day, in local time; empty when the event has no timestamp.
 *
 * @example
 * ```ts
 * import { formatClock } from "./clock.ts";
 * const now = new Date(2026, 10, 21, 12, 0);
 * formatClock(new Date(2026, 10, 21, 9, 30).toISOString(), now); // "09:30"
 * formatClock(new Date(2026, 10, 20, 9, 30).toISOString(), now); // "2026-11-20 09:30"
 * ```
 */
export function formatClock(ts: string | undefined, now: Date): string {
  if (ts === undefined) return "";
  const date = new Date(ts);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return date.toDateString() === now.toDateString()
    ? time
    : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
