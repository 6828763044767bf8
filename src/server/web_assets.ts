import indexHtml from "../../web/index.html" with { type: "text" };
import appJs from "../../web/dist/app.js" with { type: "text" };
import appCss from "../../web/app.css" with { type: "text" };
import emojiJs from "../../web/dist/emoji.js" with { type: "text" };
import serviceWorker from "../../web/dist/sw.js" with { type: "text" };
import manifest from "../../web/manifest.webmanifest" with { type: "text" };
import icon from "../../web/icon.svg" with { type: "text" };

/**
 * The web client, embedded in the program so it works from the single binary, offline: the page,
 * its style sheet, and its one script, the bundle `deno task bundle` builds from web/ and the
 * client core (committed, and held to its sources by `deno task check`).
 */
export const WEB_ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map([
  ["/", { body: indexHtml, type: "text/html; charset=utf-8" }],
  ["/app.js", { body: appJs, type: "text/javascript; charset=utf-8" }],
  ["/app.css", { body: appCss, type: "text/css; charset=utf-8" }],
  // The emoji table, which the page loads when someone first uses emoji.
  ["/emoji.js", { body: emojiJs, type: "text/javascript; charset=utf-8" }],
  // Installable: the manifest, its icon, and a service worker (used in secure contexts only).
  ["/sw.js", { body: serviceWorker, type: "text/javascript; charset=utf-8" }],
  ["/manifest.webmanifest", { body: manifest, type: "application/manifest+json" }],
  ["/icon.svg", { body: icon, type: "image/svg+xml" }],
]);
