/**
 * The page's icon with a badge: the unread count in a circle on its corner, red when something
 * is for the reader (a mention or a private message), dark otherwise. Drawn as SVG from the
 * page's own icon (web/icon.svg, served beside the page), so nothing is fetched from elsewhere
 * and the badge is as sharp as the icon at any size. Pure, so it is tested without a browser.
 *
 * @module
 */
import type { UnreadTotals } from "./tab_title.ts";

/** Red: something is for you. */
const ATTENTION_FILL = "#d1242f";
/** Dark grey: only unread messages. */
const UNREAD_FILL = "#1b1f24";

/**
 * `icon` (the text of an SVG with a 512 × 512 view box) with a badge for `totals`, or `icon` as
 * it is when nothing is unread. At most one digit fits a 16-pixel tab icon: more than nine
 * shows `9+`.
 *
 * @example
 * ```ts
 * import { badgedIcon } from "./badge_icon.ts";
 * const icon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"></svg>';
 * badgedIcon(icon, { unread: 3, attention: 1 }).includes(">3</text>"); // true
 * badgedIcon(icon, { unread: 0, attention: 0 }) === icon; // true
 * ```
 */
export function badgedIcon(icon: string, totals: UnreadTotals): string {
  if (totals.unread <= 0) return icon;
  const end = icon.lastIndexOf("</svg>");
  if (end < 0) return icon;
  const text = totals.unread > 9 ? "9+" : String(totals.unread);
  const fill = totals.attention > 0 ? ATTENTION_FILL : UNREAD_FILL;
  const size = text.length > 1 ? 170 : 230;
  const badge = `<circle cx="368" cy="144" r="144" fill="${fill}" stroke="#fff" ` +
    `stroke-width="24"/><text x="368" y="144" fill="#fff" font-family="system-ui, sans-serif" ` +
    `font-weight="700" font-size="${size}" text-anchor="middle" dominant-baseline="central">` +
    `${text}</text>`;
  return icon.slice(0, end) + badge + icon.slice(end);
}

/**
 * An SVG as a `data:` address, which a `<link rel="icon">` can show (the page's
 * Content-Security-Policy allows `data:` images).
 *
 * @example
 * ```ts
 * import { svgDataUrl } from "./badge_icon.ts";
 * svgDataUrl("<svg/>"); // "data:image/svg+xml,%3Csvg%2F%3E"
 * ```
 */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
