/**
 * Days as the reader lives them: the message list puts a line between messages of different
 * days of the reader's own calendar (the browser's time zone), named "Today", "Yesterday" or by
 * its date. Pure, so it is tested without a browser.
 *
 * @module
 */

/**
 * The local calendar day of `time` as `YYYY-MM-DD`: the same for two times on one day here.
 *
 * @example
 * ```ts
 * import { localDay } from "./days.ts";
 * localDay(new Date(2026, 10, 21, 23, 59)); // "2026-11-21"
 * ```
 */
export function localDay(time: Date): string {
  const month = String(time.getMonth() + 1).padStart(2, "0");
  const day = String(time.getDate()).padStart(2, "0");
  return `${time.getFullYear()}-${month}-${day}`;
}

/**
 * What the line before the first message of `day` (a {@linkcode localDay}) says on `now`:
 * "Today", "Yesterday", or the date in the reader's language, with the year only when it is
 * not this year's.
 *
 * @example
 * ```ts
 * import { dayLabel } from "./days.ts";
 * const now = new Date(2026, 10, 21, 9, 30);
 * dayLabel("2026-11-21", now); // "Today"
 * dayLabel("2026-11-20", now); // "Yesterday"
 * dayLabel("2026-11-02", now, "en-GB"); // "Monday 2 November"
 * ```
 */
export function dayLabel(day: string, now: Date, locale?: string): string {
  if (day === localDay(now)) return "Today";
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (day === localDay(yesterday)) return "Yesterday";
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date).toLocaleDateString(locale, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(year === now.getFullYear() ? {} : { year: "numeric" }),
  });
}
