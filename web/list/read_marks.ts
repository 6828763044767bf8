/**
 * How far the reader has read in each place, and telling it that they read further: what puts
 * the "New messages" line where they left off. A message list asks and tells through this
 * interface; the page backs it with the server's read markers (web/following/following.ts), so
 * the line is where the person left off on any device, not only in this browser.
 *
 * @module
 */
import type { Place } from "../../src/client/unread_tracker.ts";

/** Where the reader left off in each place, and what they see now. */
export interface ReadMarks {
  /** The newest event id read in `place`, or undefined while that is not known. */
  lastRead(place: Place): number | undefined;
  /**
   * Whether the reader sees the newest line of `place` now (the list is on screen, the page
   * visible and focused, scrolled to the end); told whenever that may have changed.
   */
  seeing(place: Place, seen: boolean): void;
}
