/**
 * What the user types and drops: lines, their `:shortcodes:` made emoji (with suggestions while
 * typing one, and a picker: web/emoji/), go through the shared command parser and executor (the
 * terminal's), to the room or, while a private conversation is on screen, to that person;
 * messages wait in the outbox until the server has stored them, and files come from the File
 * button, `/file`, or a drop on the page, shared likewise with the room or the person.
 *
 * @module
 */
import { helpText, parseInput } from "../src/client/commands.ts";
import type { MessageBook } from "../src/client/message_book.ts";
import { executeInput, NOT_CONNECTED, type Outcome } from "../src/client/execute_input.ts";
import { format as formatBytes } from "@std/fmt/bytes";
import { withEmoji } from "./emoji/load_emoji.ts";
import type { PageElements } from "./elements.ts";
import { EmojiPicker } from "./emoji/emoji_picker.ts";
import { EmojiSuggest } from "./emoji/emoji_suggest.ts";
import { saveAs } from "./file_row.ts";
import type { ReplyBar } from "./changes/reply_bar.ts";
import type { Following } from "./following/following.ts";
import type { PlaceViews } from "./following/place_views.ts";
import type { Session } from "./session.ts";
import type { Transfers } from "./transfers.ts";

/** The parts of the page the composer works with. */
export interface ComposerParts {
  page: PageElements;
  session: Session;
  places: PlaceViews;
  following: Following;
  transfers: Transfers;
  /** The message being answered, if any: the next message carries `reply_to`. */
  reply?: ReplyBar;
  /** The messages as they read now: `/edit` and `/delete` without an id change the last own. */
  book?: MessageBook;
}

/**
 * Wires the message box, the File button and dropping files on the page.
 *
 * @example
 * ```ts ignore
 * const composer = new Composer({ page, session, places, following, transfers });
 * composer.run("/who");
 * ```
 */
export class Composer {
  readonly #parts: ComposerParts;
  /** The emoji picker beside the message box, which reactions borrow. */
  readonly picker: EmojiPicker;
  /** The lines typed, run one after the other. */
  #typed: Promise<void> = Promise.resolve();

  constructor(parts: ComposerParts) {
    this.#parts = parts;
    const { page } = parts;
    // First: while its list is open, Enter chooses an emoji rather than sending.
    const suggest = new EmojiSuggest(page.input);
    this.picker = new EmojiPicker(page.input, { before: page.uploadButton });
    page.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = page.input.value;
      suggest.close();
      if (text.trim() !== "") {
        // In the order typed, also when one line waits for the emoji table to replace its codes.
        this.#typed = this.#typed.then(() => withEmoji(text)).then((line) => this.run(line));
        page.input.value = "";
      }
      page.input.focus();
    });
    page.input.addEventListener("input", () => parts.following.typed(page.input.value));
    page.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        page.composer.requestSubmit();
      }
    });
    page.uploadButton.addEventListener("click", () => page.fileInput.click());
    page.fileInput.addEventListener("change", () => {
      this.share(page.fileInput.files);
      page.fileInput.value = "";
    });
    this.#acceptDrops();
  }

  /** Carries out one typed line. */
  run(line: string): void {
    const { session, places, following } = this.#parts;
    const list = places.active;
    const input = parseInput(line);
    if (input.kind === "away") following.presence.chose({ type: "away", text: input.text });
    if (input.kind === "back") following.presence.chose({ type: "back" });
    if (input.kind === "history") {
      // The list asks for the page before what it shows, and puts it above without a jump.
      const outcome = list.loadEarlier({ limit: input.limit });
      if (outcome === "busy") list.complain("Earlier messages are on their way.");
      if (outcome === "offline") this.#show(NOT_CONNECTED, "");
      return;
    }
    const client = session.client;
    const replyTo = input.kind === "say" ? this.#parts.reply?.take(places.onScreen) : undefined;
    if (input.kind === "say" && replyTo !== undefined && client !== undefined) {
      const talk = places.conversation;
      const acknowledged = talk === undefined
        ? client.send(input.text, { replyTo })
        : client.sendPrivate(talk, input.text, { replyTo });
      return this.#show({ kind: "sent", acknowledged }, input.text);
    }
    const outcome: Outcome = client === undefined ? NOT_CONNECTED : executeInput(client, input, {
      cursor: session.cursor,
      conversation: places.conversation,
      book: this.#parts.book,
      upload: () => {
        // The browser cannot read a path: /file opens the file chooser instead.
        this.#parts.page.fileInput.click();
        return { kind: "empty" };
      },
      get: (id) =>
        session.live === undefined ? NOT_CONNECTED : {
          kind: "transfer",
          done: this.#get(id),
        },
    });
    const waiting = input.kind === "msg"
      ? `→ ${input.to}: ${input.text}`
      : input.kind === "say" || input.kind === "me"
      ? input.text
      : "";
    this.#show(outcome, waiting);
  }

  /**
   * Shares files with the place on screen, each with its own progress bar: the room, or only
   * the person of the conversation on screen.
   */
  share(files: FileList | null): void {
    const { session, places, transfers } = this.#parts;
    const to = places.conversation;
    for (const file of files ?? []) {
      transfers.share(file, { to }).then(
        // The server tells the sharer with upload_done; the line is this page's own.
        (shared) =>
          places.showEvent({
            type: "file",
            id: shared.id,
            ts: new Date().toISOString(),
            room: session.room,
            from: session.nick,
            file: shared.file,
            text: "",
            ...(to === undefined ? {} : { to }),
          }),
        (error: Error) => places.active.complain(`Could not share ${file.name}: ${error.message}`),
      );
    }
  }

  /** Shows what became of a line; `waiting` is the text a sent message shows in the outbox. */
  #show(outcome: Outcome, waiting: string): void {
    const { page, places, session } = this.#parts;
    const list = places.active;
    switch (outcome.kind) {
      case "sent": {
        const line = document.createElement("li");
        line.textContent = waiting;
        page.outbox.append(line);
        // A refusal is shown as the server's error; either way the line has left the outbox.
        outcome.acknowledged.then(() => line.remove(), () => line.remove());
        return;
      }
      case "transfer":
        outcome.done.then((text) => text && list.note(text), (error: Error) => {
          list.complain(error.message);
        });
        return;
      case "requested":
        session.requested(outcome.request);
        return;
      case "help":
        for (const text of helpText("browser").split("\n")) list.note(text);
        return;
      case "quit":
        this.#parts.session.client?.quit();
        return;
      case "query":
        if (outcome.nick === undefined) places.showRoom();
        else session.openConversation(outcome.nick);
        return;
      case "invalid":
        return list.complain(outcome.message);
      case "empty":
        return;
    }
  }

  /** `/get ID`: fetches file ID, checked, into the browser's downloads. */
  async #get(id: number): Promise<string> {
    try {
      const { url, file } = await this.#parts.transfers.fetch(id, `file ${id}`);
      saveAs(url, file.name);
      return `Fetched ${file.name} (${formatBytes(file.size)}, SHA-256 verified).`;
    } catch (error) {
      throw new Error(`Could not download file ${id}: ${(error as Error).message}`);
    }
  }

  #acceptDrops(): void {
    const { page } = this.#parts;
    let depth = 0;
    const hasFiles = (event: DragEvent) =>
      (event.dataTransfer?.types.includes("Files") ?? false) && !page.chatPage.hidden;
    document.body.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      depth++;
      page.dropHint.hidden = false;
    });
    document.body.addEventListener("dragleave", () => {
      if (--depth <= 0) page.dropHint.hidden = true;
    });
    document.body.addEventListener("dragover", (event) => {
      if (hasFiles(event)) event.preventDefault();
    });
    document.body.addEventListener("drop", (event) => {
      depth = 0;
      page.dropHint.hidden = true;
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.share(event.dataTransfer?.files ?? null);
    });
  }
}
