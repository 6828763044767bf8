/**
 * The browser client of `chat`: the page's parts put together. The protocol, reconnecting,
 * commands, display events and unread counts are the client core in src/client, shared with
 * `chat join`; the files here are only the view. Bundled into one script by `deno task bundle`
 * (web/dist/app.js).
 *
 * @module
 */
import { Composer } from "./composer.ts";
import { findElements } from "./elements.ts";
import { FileRows } from "./file_row.ts";
import { Following } from "./following/following.ts";
import { PlaceViews } from "./following/place_views.ts";
import { MessageList } from "./list/message_list.ts";
import { Pages } from "./pages.ts";
import { People } from "./people.ts";
import { Session } from "./session.ts";
import { setUpTheme } from "./theme.ts";
import { Transfers } from "./transfers.ts";
import { setUpInviteDialog } from "./invite_dialog.ts";
import { recall } from "./storage.ts";
import { HostControls } from "./host/host_controls.ts";
import { RoomHeader } from "./host/room_header.ts";
import { MessageChanges } from "./changes/message_changes.ts";
import { ReplyBar } from "./changes/reply_bar.ts";
import { revealMessage } from "./changes/reveal_message.ts";
import { SearchPanel } from "./search/search_panel.ts";
import type { Place } from "../src/client/unread_tracker.ts";

const page = findElements();
setUpTheme(page.themeToggle);
const transfers = new Transfers(page.transfers, () => session.live);
const following: Following = new Following({
  page,
  request: (message) => session.request(message),
  connected: () => session.live !== undefined,
  self: () => session.nick,
  onScreen: () => places.onScreen,
  openRoom: (room) => session.openRoom(room),
  openConversation: (nick) => session.openConversation(nick),
});
/** A message list in `element`; `place` pages its history (a room's, or a conversation's). */
const newList = (element: HTMLElement): MessageList => {
  const list: MessageList = new MessageList(element, {
    self: (): string => session.nick,
    decorateFile: (div, event) => files.decorate(div, event),
    decorate: (div, event) => changes.decorate(div, event),
    requestHistory: ({ before, limit }) => {
      const place = list.place;
      return session.request(
        place !== undefined && "with" in place
          ? { type: "history", with: place.with, before, limit }
          : { type: "history", before, limit },
      );
    },
    readMarks: following.readMarks,
    jump: page.jumpLatest,
  });
  return list;
};
const places: PlaceViews = new PlaceViews({
  room: newList(page.messages),
  newList,
  request: (message) => session.request(message),
  currentRoom: () => session.room,
  self: () => session.nick,
  changed: (place) => {
    session.placeChanged();
    following.placeChanged(place);
    reply.placeChanged(place);
  },
});
const chatMain = document.getElementById("chat-main")!;
const reply = new ReplyBar(page.composer, page.input);
/** Takes the reader to message `id` of `place` (a reply's original, a search result). */
const reveal = (id: number, place: Place): void => {
  revealMessage(id, place, {
    listOf: (where) => places.listOf(where),
    go: (where) =>
      "room" in where ? session.openRoom(where.room) : session.openConversation(where.with),
    container: chatMain,
  }).then((found) => {
    if (!found) places.active.complain("That message could not be found in the history.");
  });
};
const changes: MessageChanges = new MessageChanges({
  self: () => session.nick,
  operator: () => host.operator,
  live: () => session.live,
  onScreen: () => places.onScreen,
  listElement: (place) => places.listOf(place)?.element,
  reveal,
  reply,
  input: page.input,
  container: chatMain,
  complain: (text) => places.active.complain(text),
  pickEmoji: (anchor) => composer.picker.pick(anchor),
});
new SearchPanel({
  topbar: document.querySelector<HTMLElement>(".topbar")!,
  live: () => session.live,
  self: () => session.nick,
  reveal,
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
  complain: (text) => places.active.complain(text),
  grew: (element, height) => places.listHolding(element)?.grew(element, height),
});
const pages = new Pages(page, (nick, credentials) => session.login(nick, credentials));
const header = new RoomHeader(page);
const host: HostControls = new HostControls({
  page,
  header,
  live: () => session.live,
  self: () => session.nick,
  room: () => session.room,
  note: (text) => places.active.note(text),
  complain: (text) => places.active.complain(text),
  redrawPeople: () => people.redraw(),
});
const people: People = new People(page, {
  self: (): string => session.nick,
  talkTo: (nick) => session.openConversation(nick),
  controls: (nick, isOp) => host.personControls(nick, isOp),
});
const session: Session = new Session({
  page,
  pages,
  places,
  following,
  people,
  files,
  host,
  header,
  changes,
});
const composer = new Composer({
  page,
  session,
  places,
  following,
  transfers,
  reply,
  book: changes.book,
});
setUpInviteDialog(page, () => session.live, (text) => places.active.complain(text));

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
