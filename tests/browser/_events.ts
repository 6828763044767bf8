/**
 * Reading the message list of the web client (`#messages .event`) from a test: a snapshot of
 * every event as plain data, and bounded waits for an event that matches.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { BROWSER_TIMEOUT_MS } from "./_browser.ts";

/**
 * The little of the DOM that the page functions below use. Deno type-checks without the DOM
 * library (adding it clashes with Deno's own stream types), so they name what they touch.
 */
export interface PageElement {
  tagName: string;
  id: string;
  className: unknown;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  getBoundingClientRect(): { right: number };
}

/** `globalThis` inside the page, as far as the page functions use it. */
export interface PageGlobals {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
}

/** One `div.event` of `#messages`, as the page shows it. */
export interface ShownEvent {
  /** `data-type`: message, action, private, notice, file, system or error. */
  type: string;
  /** `data-id` as a number, if it has one. */
  id?: number;
  /** Whether it carries `data-history="true"`. */
  history: boolean;
  /** The text of `span.from`. */
  from: string;
  /** The text of `span.text`. */
  text: string;
  /** Whether the event contains an `a.download` link. */
  download: boolean;
}

/** Every event in `#messages`, top to bottom. */
export function shownEvents(page: Page): Promise<ShownEvent[]> {
  return page.$$eval("#messages .event", (elements) =>
    elements.map((element) => {
      const div = element as unknown as PageElement;
      return {
        type: div.dataset.type ?? "",
        ...(div.dataset.id === undefined ? {} : { id: Number(div.dataset.id) }),
        history: div.dataset.history === "true",
        from: div.querySelector(".from")?.textContent ?? "",
        text: div.querySelector(".text")?.textContent ?? "",
        download: div.querySelector("a.download") !== null,
      };
    }));
}

/** What an awaited event must have; fields left out match anything; `text` may be a pattern. */
export type EventMatch = Omit<Partial<ShownEvent>, "text"> & { text?: string | RegExp };

/** Whether `event` has every field of `match`. */
export function matches(event: ShownEvent, match: EventMatch): boolean {
  return Object.entries(match).every(([key, value]) => {
    const actual = event[key as keyof ShownEvent];
    return value instanceof RegExp ? value.test(String(actual)) : actual === value;
  });
}

/** Events shown in `#messages` that match. */
export async function eventsMatching(page: Page, match: EventMatch): Promise<ShownEvent[]> {
  return (await shownEvents(page)).filter((event) => matches(event, match));
}

/** Waits (bounded) until `#messages` shows an event that matches, and returns the first. */
export async function waitForShown(
  page: Page,
  match: EventMatch,
  options: { timeoutMs?: number } = {},
): Promise<ShownEvent> {
  const timeoutMs = options.timeoutMs ?? BROWSER_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await shownEvents(page);
    const found = events.find((event) => matches(event, match));
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for an event ${describeMatch(match)} in ` +
          `#messages. Shown:\n${events.map((event) => `  ${JSON.stringify(event)}`).join("\n")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describeMatch(match: EventMatch): string {
  return JSON.stringify(match, (_, value) => value instanceof RegExp ? String(value) : value);
}

/** The event's `div` in `#messages`, by its `data-id`. */
export function eventById(page: Page, id: number) {
  return page.locator(`#messages .event[data-id="${id}"]`);
}

/** Whether the page scrolls sideways: `document.documentElement.scrollWidth > clientWidth`. */
export function horizontalOverflow(
  page: Page,
): Promise<{ scrollWidth: number; clientWidth: number; widest: string[] }> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const root = document.documentElement;
    // The elements that stick out, to say what overflows when the check fails.
    const widest = [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(0, 8)
      .map((element) =>
        `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${
          element.className && typeof element.className === "string"
            ? `.${element.className.trim().split(/\s+/).join(".")}`
            : ""
        } right=${Math.round(element.getBoundingClientRect().right)}`
      );
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest };
  });
}
