import { join } from "@std/path";
import { nickKey, sanitizeFileName } from "../../protocol/mod.ts";
import type { ExportedEvent, ExportSource } from "./exported_event.ts";
import { type PlacePage, renderIndex, renderPlacePage } from "./html_page.ts";

/** What {@linkcode writeHtmlExport} wrote. */
export interface HtmlExport {
  pages: number;
  files: number;
  /** Files whose bytes could not be had (deleted, or refused): their lines say so. */
  missing: string[];
}

/**
 * Writes an HTML export into the directory `dir` (created when missing): `index.html`, one page
 * per room (`room-NAME.html`) and per private conversation (`private-A-B.html`), and the shared
 * files under `files/`, linked from the pages by relative paths so the folder can be moved whole.
 */
export async function writeHtmlExport(
  dir: string,
  options: { title: string; events: ExportedEvent[]; source: ExportSource },
): Promise<HtmlExport> {
  await Deno.mkdir(join(dir, "files"), { recursive: true });
  const pages = groupByPlace(options.events);
  const result: HtmlExport = { pages: pages.length, files: 0, missing: [] };
  for (const page of pages) {
    const files = new Map<number, string>();
    for (const event of page.events) {
      if (event.type !== "file" || event.file === undefined) continue;
      const path = `files/${event.id}-${sanitizeFileName(event.file.name)}`;
      try {
        await options.source.saveFile(event, join(dir, path));
        files.set(event.id, path);
        result.files++;
      } catch (error) {
        result.missing.push(`${event.file.name} (${(error as Error).message})`);
      }
    }
    await Deno.writeTextFile(join(dir, page.file), renderPlacePage(page, { files }));
  }
  await Deno.writeTextFile(join(dir, "index.html"), renderIndex(options.title, pages));
  return result;
}

/** The events split into rooms and private conversations, each with a file name of its own. */
function groupByPlace(events: ExportedEvent[]): PlacePage[] {
  const pages = new Map<string, PlacePage>();
  const taken = new Set<string>();
  for (const event of events) {
    const to = event.to;
    const pair = to === undefined
      ? undefined
      : [event.from, to].sort((a, b) => nickKey(a) < nickKey(b) ? -1 : 1);
    const key = pair === undefined
      ? `#${event.room}`
      : `@${pair.map((nick) => nickKey(nick)).join("\u0000")}`;
    let page = pages.get(key);
    if (page === undefined) {
      const [title, stem] = pair === undefined
        ? [`#${event.room}`, `room-${slug(event.room)}`]
        : nickKey(pair[0]) === nickKey(pair[1])
        ? [`Notes of ${pair[0]}`, `private-${slug(pair[0])}`]
        : [`${pair[0]} and ${pair[1]}`, `private-${slug(pair[0])}-${slug(pair[1])}`];
      let file = `${stem}.html`;
      for (let n = 2; taken.has(file); n++) file = `${stem}-${n}.html`;
      taken.add(file);
      pages.set(key, page = { title, file, events: [] });
    }
    page.events.push(event);
  }
  return [...pages.values()].sort((a, b) => a.file < b.file ? -1 : 1);
}

/** A name made safe for a file name: lowercase letters, digits, `-` and `_`. */
function slug(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/[^a-z0-9_]+/g, "-").replace(/^-|-$/g, "") ||
    "x";
}
