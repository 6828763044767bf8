import { eventTime, type ExportedEvent } from "./exported_event.ts";

/**
 * The pages of an HTML export: plain HTML with its CSS inline, no script and nothing fetched, so
 * that a page opens the same offline, years later, from a USB stick. Every piece of user text
 * goes through {@linkcode escapeHtml}; nothing a user wrote is ever markup.
 *
 * @module
 */

/** A page of the export: a room, or a private conversation. */
export interface PlacePage {
  /** Shown as the page's title: `#lobby`, or `ana and bob`. */
  title: string;
  /** The page's file name, beside index.html. */
  file: string;
  events: ExportedEvent[];
}

/** Image types a browser shows inline, by lowercase extension. */
const IMAGE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "svg"]);

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

const STYLE = `
  :root { color-scheme: light dark; --muted: #666; --line: #ddd; }
  @media (prefers-color-scheme: dark) { :root { --muted: #aaa; --line: #444; } }
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; }
  ol { list-style: none; padding: 0; }
  li { padding: .25rem 0; border-bottom: 1px solid var(--line); }
  time, .notice { color: var(--muted); font-size: .85em; }
  .from { font-weight: 600; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  img { display: block; max-width: 100%; max-height: 24rem; margin: .25rem 0; }
`;

/**
 * Replaces the five characters HTML gives meaning to, so `text` shows as written.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html_page.ts";
 * escapeHtml('<b>"hi" & bye</b>'); // "&lt;b&gt;&quot;hi&quot; &amp; bye&lt;/b&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

/** The whole HTML document of one page, with `heading` and `body` already escaped. */
function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file:; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * The page of one place: each event on a line with its time and author; files linked to their
 * copies (`files`: event id → path relative to the page), images shown too.
 *
 * @example
 * ```ts
 * import { renderPlacePage } from "./html_page.ts";
 * const html = renderPlacePage(
 *   { title: "#lobby", file: "lobby.html", events: [
 *     { id: 1, type: "message", room: "lobby", from: "ana", text: "<hi>", ts: 0 },
 *   ] },
 *   { files: new Map() },
 * );
 * html.includes("&lt;hi&gt;"); // true
 * ```
 */
export function renderPlacePage(page: PlacePage, options: { files: Map<number, string> }): string {
  const items = page.events.map((event) => renderEvent(event, options.files.get(event.id)));
  const body = `<p><a href="index.html">All rooms and conversations</a></p>
<h1>${escapeHtml(page.title)}</h1>
<ol>
${items.join("\n")}
</ol>`;
  return document(page.title, body);
}

/** The index: a link to every page, with how many events it holds. */
export function renderIndex(title: string, pages: readonly PlacePage[]): string {
  const items = pages.map((page) =>
    `<li><a href="${escapeHtml(encodeURIComponent(page.file))}">${escapeHtml(page.title)}</a> ` +
    `<span class="notice">(${page.events.length} events)</span></li>`
  );
  return document(title, `<h1>${escapeHtml(title)}</h1>\n<ol>\n${items.join("\n")}\n</ol>`);
}

function renderEvent(event: ExportedEvent, filePath: string | undefined): string {
  const time = new Date(eventTime(event));
  const stamp = Number.isNaN(time.getTime())
    ? ""
    : `<time datetime="${time.toISOString()}">${
      time.toISOString().slice(0, 16).replace("T", " ")
    }</time> `;
  const from = `<span class="from">${escapeHtml(String(event.from))}</span>`;
  const text = event.deleted === true
    ? `<span class="notice">message deleted</span>`
    : `<span class="text">${escapeHtml(String(event.text ?? ""))}</span>${
      event.edited === true ? ' <span class="notice">(edited)</span>' : ""
    }`;
  let line: string;
  if (event.type === "action") {
    line = `* ${from} ${text}`;
  } else if (event.type === "notice") {
    line = `<span class="notice">${notice(event)}</span>`;
  } else if (event.type === "file" && event.file !== undefined) {
    line = `${from} shared ${fileLink(event.file.name, event.file.size, filePath)}`;
  } else {
    line = `${from}: ${text}`;
  }
  return `<li id="e${event.id}">${stamp}${line}</li>`;
}

function notice(event: ExportedEvent): string {
  const who = escapeHtml(String(event.from));
  switch (event.event) {
    case "join":
      return `${who} joined`;
    case "leave":
      return `${who} left`;
    case "nick":
      return `${who} is now ${escapeHtml(String(event.nick ?? ""))}`;
    default:
      return escapeHtml(String(event.text || `${event.from} (${event.event ?? "notice"})`));
  }
}

function fileLink(name: string, size: number, path: string | undefined): string {
  const label = `${escapeHtml(name)} (${size} bytes)`;
  if (path === undefined) return `${label} <span class="notice">(not available)</span>`;
  const href = escapeHtml(path.split("/").map(encodeURIComponent).join("/"));
  const extension = name.split(".").pop()?.toLowerCase() ?? "";
  const image = IMAGE_EXTENSIONS.has(extension)
    ? `<img src="${href}" alt="${escapeHtml(name)}">`
    : "";
  return `<a href="${href}">${label}</a>${image}`;
}
