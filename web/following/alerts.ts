/**
 * Calling for the reader's attention when something for them arrives where they are not
 * looking: a short beep (off unless turned on; made with WebAudio, no sound file) and a system
 * notification (where the browser allows one, alert_policy.ts). What calls for it: mentions of
 * the reader and private messages by default, and per room every message, mentions or nothing,
 * as chosen in the sidebar's Alerts. The choices are remembered in this browser.
 *
 * Notification permission is asked for only when the reader turns "Notify me" on: a click, as
 * browsers require, never by itself on load.
 *
 * @module
 */
import type { Place } from "../../src/client/unread_tracker.ts";
import type { PageElements } from "../elements.ts";
import { recall, remember } from "../storage.ts";
import {
  notificationSupport,
  ROOM_ALERTS,
  type RoomAlerts,
  roomAlerts,
  wantsAlert,
} from "./alert_policy.ts";

/** At most one beep this often, however much arrives at once (a catch-up). */
const BEEP_EVERY_MS = 2000;
/** A notification shows at most this much of a message. */
const NOTIFICATION_TEXT = 200;

/** Something that arrived where the reader is not looking. */
export interface Arrival {
  place: Place;
  from: string;
  /** What was said, when known (activity elsewhere carries no text). */
  text?: string;
  mention: boolean;
}

/** What the alerts ask of the page. */
export interface AlertsOptions {
  /** Opens a place (a click on its notification). */
  open(place: Place): void;
  /** The room on screen, or undefined while a conversation is. */
  room(): string | undefined;
}

/**
 * The Alerts settings and the alerts themselves.
 *
 * @example
 * ```ts ignore
 * const alerts = new Alerts(page, { open, room: () => "lobby" });
 * alerts.arrived({ place: { with: "ben" }, from: "ben", text: "psst", mention: false });
 * ```
 */
export class Alerts {
  readonly #page: PageElements;
  readonly #options: AlertsOptions;
  readonly #choices: Record<string, RoomAlerts>;
  #audio: AudioContext | undefined;
  #lastBeep = -Infinity;

  constructor(page: PageElements, options: AlertsOptions) {
    this.#page = page;
    this.#options = options;
    this.#choices = loadChoices();
    page.soundToggle.checked = recall("chat-sound") === "on";
    page.soundToggle.addEventListener("change", () => {
      remember("chat-sound", page.soundToggle.checked ? "on" : "off");
      // Made during the click: browsers let a page play sound once the reader has acted.
      if (page.soundToggle.checked) this.#beep();
    });
    // Sound waits for a gesture after a reload; any key or click of the reader's will do.
    const wake = () => this.#audio?.state === "suspended" && this.#audio.resume().catch(() => {});
    addEventListener("keydown", wake);
    addEventListener("pointerdown", wake);
    page.roomAlerts.replaceChildren(...ROOM_ALERTS.map(({ value, label }) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      return option;
    }));
    page.roomAlerts.addEventListener("change", () => {
      const room = options.room();
      if (room === undefined) return;
      this.#choices[room] = roomAlerts(page.roomAlerts.value);
      remember("chat-alerts", JSON.stringify(this.#choices));
    });
    this.#setUpNotifications();
  }

  /** The place on screen changed: the room choice shows the new room's. */
  placeChanged(): void {
    const room = this.#options.room();
    this.#page.roomAlertsField.hidden = room === undefined;
    if (room !== undefined) this.#page.roomAlerts.value = this.choiceFor(room);
  }

  /** What `room` calls for attention about. */
  choiceFor(room: string): RoomAlerts {
    return roomAlerts(this.#choices[room]);
  }

  /** Something arrived where the reader is not looking: a beep and a notification, if wanted. */
  arrived(arrival: Arrival): void {
    const { place } = arrival;
    const isPrivate = "with" in place;
    const choice = "room" in place ? this.choiceFor(place.room) : "all";
    if (!wantsAlert(choice, { private: isPrivate, mention: arrival.mention })) return;
    if (this.#page.soundToggle.checked) this.#beep();
    if (this.#page.notifyToggle.checked && Notification.permission === "granted") {
      this.#notify(arrival);
    }
  }

  #setUpNotifications(): void {
    const page = this.#page;
    const api = "Notification" in globalThis;
    const support = notificationSupport({
      secure: isSecureContext,
      api,
      permission: api ? Notification.permission : undefined,
    });
    if (!support.available) {
      page.notifyField.hidden = true;
      page.notifyNote.hidden = false;
      page.notifyNote.textContent = support.reason;
      return;
    }
    page.notifyToggle.checked = recall("chat-notify") === "on" &&
      Notification.permission === "granted";
    page.notifyToggle.addEventListener("change", async () => {
      if (!page.notifyToggle.checked) return remember("chat-notify", "off");
      // Asked here, in answer to the reader's click, and only the first time.
      const permission = Notification.permission === "granted"
        ? "granted"
        : await Notification.requestPermission();
      const granted = permission === "granted";
      page.notifyToggle.checked = granted;
      remember("chat-notify", granted ? "on" : "off");
      page.notifyNote.hidden = granted;
      page.notifyNote.textContent = granted
        ? ""
        : "The browser did not allow notifications; allow them in its site settings.";
    });
  }

  #notify(arrival: Arrival): void {
    const { place, from, text, mention } = arrival;
    const title = "with" in place ? `${from} (private)` : `${from} in #${place.room}`;
    const body = text !== undefined
      ? text.slice(0, NOTIFICATION_TEXT)
      : mention
      ? "mentioned you"
      : "wrote a message";
    const key = "with" in place ? `@${place.with}` : `#${place.room}`;
    try {
      const notification = new Notification(title, { body, tag: key, icon: "/icon.svg" });
      notification.addEventListener("click", () => {
        focus();
        this.#options.open(place);
        notification.close();
      });
    } catch {
      // Some browsers (Chrome on Android) allow notifications only from a service worker.
    }
  }

  /** A short, soft beep: a sine at 880 Hz that fades in and out over a fifth of a second. */
  #beep(): void {
    const now = Date.now();
    if (now - this.#lastBeep < BEEP_EVERY_MS || !("AudioContext" in globalThis)) return;
    this.#lastBeep = now;
    const audio = this.#audio ??= new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    const start = audio.currentTime;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.0001, start);
    volume.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
    tone.connect(volume).connect(audio.destination);
    tone.start(start);
    tone.stop(start + 0.22);
  }
}

/** The stored choice of each room. */
function loadChoices(): Record<string, RoomAlerts> {
  try {
    const stored = JSON.parse(recall("chat-alerts") ?? "{}");
    if (typeof stored !== "object" || stored === null) return {};
    return Object.fromEntries(
      Object.entries(stored).map(([room, choice]) => [room, roomAlerts(choice)]),
    );
  } catch {
    return {};
  }
}
