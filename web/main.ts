/**
 * The browser client of `chat`: the page's parts put together. The protocol, reconnecting,
 * commands and display events are the client core in src/client, shared with `chat join`; the
 * files here are only the view. Bundled into one script by `deno task bundle` (web/dist/app.js).
 *
 * @module
 */
import { Composer } from "./composer.ts";
import { findElements } from "./elements.ts";
import { FileRows } from "./file_row.ts";
import { MessageList } from "./list/message_list.ts";
import { browserReadMarks } from "./list/read_marks.ts";
import { Pages } from "./pages.ts";
import { People } from "./people.ts";
import { Session } from "./session.ts";
import { setUpTheme } from "./theme.ts";
import { Transfers } from "./transfers.ts";
import { setUpInviteDialog } from "./invite_dialog.ts";
import { recall } from "./storage.ts";

const page = findElements();
setUpTheme(page.themeToggle);
const transfers = new Transfers(page.transfers, () => session.live);
const list: MessageList = new MessageList(page.messages, {
  self: (): string => session.nick,
  decorateFile: (div, event) => files.decorate(div, event),
  requestHistory: ({ before, limit }) => session.request({ type: "history", before, limit }),
  readMarks: browserReadMarks(),
  jump: page.jumpLatest,
});
const files = new FileRows({
  transfers,
  downloadPath: async (id) => {
    const client = session.live;
    if (client === undefined) throw new Error("not connected; try again in a moment");
    return (await client.call(
      { type: "download_link", rid: client.rid(), id },
      "download_link_created",
    ))
      .path;
  },
  connected: () => session.live !== undefined,
  complain: (text) => list.complain(text),
  grew: (element, height) => list.grew(element, height),
});
const pages = new Pages(page, (nick, credentials) => session.login(nick, credentials));
const people = new People(page, {
  self: (): string => session.nick,
  room: () => session.room,
  joinRoom: (room) => session.request({ type: "join", room }),
  writeTo: (nick) => {
    page.input.value = `/msg ${nick} `;
    page.input.focus();
  },
});
const session: Session = new Session({ page, pages, list, people, files });
new Composer({ page, session, list, transfers });
setUpInviteDialog(page, () => session.live, (text) => list.complain(text));

// An invite link (or a link code) travels in the fragment, which the browser never sends to the
// server; it is taken out of the address bar at once, so it is not bookmarked or shared by
// accident.
const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
if (location.hash !== "") history.replaceState(null, "", location.pathname + location.search);
const invite = fragment.get("invite") || undefined;
pages.setInvite(invite);
const link = fragment.get("link");
if (link) {
  page.linkCode.value = link;
  page.linkField.open = true;
}
// A browser that has a device of its own comes back in by itself, as the nick it used last.
const nick = recall("chat-nick");
if (invite === undefined && !link && nick && recall("chat-device") !== null) {
  session.login(nick, {});
}

// Installable where the browser allows a service worker: a secure context (localhost, --tls).
if (isSecureContext && "serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {
    // Without it the page works the same; it only cannot open while the server is away.
  });
}
