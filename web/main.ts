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
import { MessageList } from "./message_list.ts";
import { Pages } from "./pages.ts";
import { People } from "./people.ts";
import { Session } from "./session.ts";
import { setUpTheme } from "./theme.ts";
import { Transfers } from "./transfers.ts";

const page = findElements();
setUpTheme(page.themeToggle);
const transfers = new Transfers(page.transfers, () => session.live);
const list: MessageList = new MessageList(page.messages, {
  self: (): string => session.nick,
  decorateFile: (div, event) => files.decorate(div, event),
});
const files = new FileRows({
  transfers,
  connected: () => session.live !== undefined,
  complain: (text) => list.complain(text),
  grew: (height) => list.grew(height),
});
const pages = new Pages(page, (nick, passkey) => session.login(nick, passkey));
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
