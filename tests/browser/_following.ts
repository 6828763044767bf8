/**
 * Reading what the web client shows of following places, from a test: the sidebar's place
 * buttons by their accessible names, a private conversation's list, the tab, and a second
 * device of the same person logged in with a link code from the first one's Invite dialog.
 *
 * @module
 */
import type { Locator, Page } from "playwright-core";
import { BROWSER_TIMEOUT_MS } from "./_browser.ts";
import type { PageElement } from "./_events.ts";

/** The sidebar button of a room, or of the private conversation with a nick. */
export function placeButton(page: Page, place: { room: string } | { with: string }): Locator {
  return "room" in place
    ? page.locator(`#rooms li[data-room="${place.room}"] button`)
    : page.locator(`#conversations li[data-with="${place.with}"] button`);
}

/**
 * Waits until the button of `place` has the accessible name `name` (as assistive technology
 * computes it, "lobby, 3 unread"), and returns it.
 */
export async function waitForPlace(
  page: Page,
  place: { room: string } | { with: string },
  name: string,
): Promise<Locator> {
  const list = page.locator("room" in place ? "#rooms" : "#conversations");
  const button = list.getByRole("button", { name, exact: true });
  try {
    await button.waitFor({ timeout: BROWSER_TIMEOUT_MS });
  } catch {
    throw new Error(
      `No button named "${name}" in the sidebar; it shows:\n${await list.ariaSnapshot()}`,
    );
  }
  return button;
}

/**
 * The names of the page's buttons as Chromium itself computes them for assistive technology
 * (its accessibility tree, over the DevTools protocol).
 */
export async function chromiumButtonNames(page: Page): Promise<string[]> {
  const session = await page.context().newCDPSession(page);
  try {
    const { nodes } = await session.send("Accessibility.getFullAXTree");
    return (nodes as { role?: { value: string }; name?: { value: string } }[])
      .filter((node) => node.role?.value === "button")
      .map((node) => String(node.name?.value ?? ""));
  } finally {
    await session.detach();
  }
}

/** Waits until the tab's title is `title`. */
export async function waitForTitle(page: Page, title: string): Promise<void> {
  const deadline = Date.now() + BROWSER_TIMEOUT_MS;
  for (;;) {
    const now = await page.title();
    if (now === title) return;
    if (Date.now() > deadline) throw new Error(`The title is "${now}", not "${title}".`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The list of the private conversation with `nick`. */
export function conversationList(page: Page, nick: string): Locator {
  return page.locator(`.messages[data-with="${nick}"]`);
}

/** What the conversation's list shows: each event's type, author and text. */
export function conversationRows(
  page: Page,
  nick: string,
): Promise<{ type: string; from: string; text: string }[]> {
  return conversationList(page, nick).locator(".event[data-id]").evaluateAll((rows) =>
    rows.map((element) => {
      const row = element as unknown as PageElement;
      return {
        type: row.dataset.type ?? "",
        from: row.querySelector(".from")?.textContent ?? "",
        text: row.querySelector(".text")?.textContent ?? "",
      };
    })
  );
}

/** Opens the Invite dialog of a logged-in page and returns the link code it shows. */
export async function linkCodeFrom(page: Page): Promise<string> {
  await page.locator("#invite-button").click();
  await page.locator("#invite-dialog").waitFor();
  await page.locator("#link-button").click();
  const shown = page.locator("#link-code-shown");
  const deadline = Date.now() + BROWSER_TIMEOUT_MS;
  for (;;) {
    const text = await shown.textContent() ?? "";
    const code = /^[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(text)?.[0];
    if (code !== undefined) {
      await page.locator("#invite-close").click();
      return code;
    }
    if (Date.now() > deadline) throw new Error(`No link code was shown: "${text}".`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Logs a fresh page in as another device of the person with `code`, under `nick`. */
export async function loginWithLinkCode(page: Page, nick: string, code: string): Promise<void> {
  await page.locator("#nick").fill(nick);
  await page.locator("#link-field summary").click();
  await page.locator("#link-code").fill(code);
  await page.locator("#login-button").click();
  await page.locator("#chat-page").waitFor({ state: "visible" });
  await page.locator("#messages .event[data-type=system]", { hasText: /You are in / }).first()
    .waitFor();
}

/** Goes to `room` with `/join` and waits until it is on screen. */
export async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator("#input").fill(`/join ${room}`);
  await page.locator("#input").press("Enter");
  await page.locator(`#room-name[data-place="room"]`, { hasText: new RegExp(`^${room}$`) })
    .waitFor();
}
