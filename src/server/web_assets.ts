import indexHtml from "../../web/index.html" with { type: "text" };
import appJs from "../../web/app.js" with { type: "text" };
import appCss from "../../web/app.css" with { type: "text" };
import sha256Js from "../../web/sha256.js" with { type: "text" };

/** The web client, embedded in the program so it works from the single binary, offline. */
export const WEB_ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map([
  ["/", { body: indexHtml, type: "text/html; charset=utf-8" }],
  ["/app.js", { body: appJs, type: "text/javascript; charset=utf-8" }],
  ["/sha256.js", { body: sha256Js, type: "text/javascript; charset=utf-8" }],
  ["/app.css", { body: appCss, type: "text/css; charset=utf-8" }],
]);
