/**
 * Under the room's name in the top bar: its topic (from `joined` and `topic` notices, for
 * everyone) and, when the page knows them (an operator's page reads them with `room_settings`),
 * marks for an announcement, locked, slow, closed or file-less room. Nothing shows for a private
 * conversation.
 *
 * @module
 */
import type { PageElements } from "../elements.ts";
import { el } from "../elements.ts";
import { roomFlags, type RoomSettings } from "./room_settings.ts";

/**
 * The topic and the marks of the room on screen.
 *
 * @example
 * ```ts ignore
 * const header = new RoomHeader(page);
 * header.setTopic("lobby", "Exams on Friday");
 * header.show("lobby");
 * ```
 */
export class RoomHeader {
  readonly #page: PageElements;
  readonly #topics = new Map<string, string>();
  readonly #settings = new Map<string, RoomSettings>();
  /** The room on screen; undefined while a private conversation is. */
  #room: string | undefined;

  constructor(page: PageElements) {
    this.#page = page;
  }

  /** The topic of `room` (`""` or undefined: none). */
  setTopic(room: string, topic: string | undefined): void {
    if (topic) this.#topics.set(room, topic);
    else this.#topics.delete(room);
    if (room === this.#room) this.#draw();
  }

  /** The settings of a room, as the server answered them. */
  setSettings(settings: RoomSettings): void {
    this.#settings.set(settings.room, settings);
    this.setTopic(settings.room, settings.topic ?? this.#topics.get(settings.room));
  }

  /** Settings known earlier are forgotten (a login, or the page is no longer an operator's). */
  forgetSettings(): void {
    this.#settings.clear();
    this.#draw();
  }

  /** Shows `room`'s topic and marks, or nothing (a private conversation is on screen). */
  show(room: string | undefined): void {
    this.#room = room;
    this.#draw();
  }

  #draw(): void {
    const { roomAbout, roomFlags: flagsElement, roomTopic } = this.#page;
    const room = this.#room;
    const topic = room === undefined ? "" : this.#topics.get(room) ?? "";
    const settings = room === undefined ? undefined : this.#settings.get(room);
    const flags = settings === undefined ? [] : roomFlags(settings);
    flagsElement.replaceChildren(...flags.map((flag) => el("span", { className: "flag" }, flag)));
    roomTopic.textContent = topic;
    roomTopic.title = topic;
    roomAbout.hidden = topic === "" && flags.length === 0;
  }
}
