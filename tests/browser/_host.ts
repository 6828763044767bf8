/**
 * Helpers for the browser tests of the host controls (PROTOCOL.md section 3.5): signing a page in
 * as the host with the operator key the server keeps in its data dir, what Chromium exposes to a
 * screen reader, and a record of the status line and the WebSockets a page opens (to tell that a
 * page stopped instead of reconnecting, with nothing to wait for).
 *
 * @module
 */
import type { Page } from "playwright-core";
import { type Credentials, login } from "./_browser.ts";

/** The operator credential `chat serve` wrote into `dataDir` (one line). */
export async function operatorKey(dataDir: string): Promise<string> {
  return (await Deno.readTextFile(`${dataDir}/operator`)).trim();
}

/** Logs in through the login form, with the operator key in its "Host of this server?" part. */
export async function loginAsHost(
  page: Page,
  credentials: Credentials & { operator: string },
): Promise<void> {
  await page.locator("#host-field > summary").click();
  await page.getByLabel(/^Operator key/).fill(credentials.operator);
  await login(page, credentials);
}

/** One node of Chromium's accessibility tree: its role and its name. */
export interface AxNode {
  role: string;
  name: string;
}

/** Every node of the page's accessibility tree, as Chromium computes it for screen readers. */
export async function accessibilityTree(page: Page): Promise<AxNode[]> {
  const session = await page.context().newCDPSession(page);
  try {
    const { nodes } = await session.send("Accessibility.getFullAXTree");
    return (nodes as { ignored?: boolean; role?: { value: string }; name?: { value: string } }[])
      .filter((node) => !node.ignored)
      .map((node) => ({
        role: String(node.role?.value ?? ""),
        name: String(node.name?.value ?? ""),
      }));
  } finally {
    await session.detach();
  }
}

/** What a page did with its connection, recorded from when {@linkcode recordConnection} ran. */
export interface ConnectionRecord {
  /** Every text `#status` showed, in order. */
  statuses(): Promise<string[]>;
  /** WebSockets the page opened since. */
  sockets: string[];
}

/** What `#status` showed is kept in the page by a MutationObserver, under this name. */
const LOG = "__statusLog";

/** Starts recording `#status` and the WebSockets `page` opens. */
export async function recordConnection(page: Page): Promise<ConnectionRecord> {
  const sockets: string[] = [];
  page.on("websocket", (socket) => sockets.push(socket.url()));
  await page.evaluate((name) => {
    const scope = globalThis as unknown as Record<string, unknown> & {
      document: { getElementById(id: string): { textContent: string | null } };
      MutationObserver: new (callback: () => void) => {
        observe(target: unknown, options: Record<string, boolean>): void;
      };
    };
    const status = scope.document.getElementById("status");
    const log: string[] = [status.textContent ?? ""];
    scope[name] = log;
    new scope.MutationObserver(() => log.push(status.textContent ?? "")).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  }, LOG);
  return {
    sockets,
    statuses: () =>
      page.evaluate((name) => (globalThis as unknown as Record<string, string[]>)[name], LOG),
  };
}
