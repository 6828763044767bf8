/**
 * When the page calls for the reader's attention (a sound, a system notification), and whether
 * it may notify at all. Pure, so it is tested without a browser.
 *
 * Browsers offer the Notification API only to a secure context: a page served over HTTPS
 * (`chat serve --tls`) or from the machine itself (`localhost`, `127.0.0.1`). A page opened at
 * a plain `http://` LAN address has none, and the page says so instead of offering a switch
 * that cannot work.
 *
 * @module
 */

/** What a room calls for attention about: every message, mentions of you (default), nothing. */
export type RoomAlerts = "all" | "mentions" | "nothing";

/** The choices, in the order the page offers them. */
export const ROOM_ALERTS: readonly { value: RoomAlerts; label: string }[] = [
  { value: "mentions", label: "Mentions of me" },
  { value: "all", label: "Every message" },
  { value: "nothing", label: "Nothing" },
];

/** What the page knows of the browser, for notifications. */
export interface NotificationEnvironment {
  /** `window.isSecureContext`. */
  secure: boolean;
  /** `"Notification" in window`. */
  api: boolean;
  /** `Notification.permission`, when there is the API. */
  permission?: string;
}

/** Whether the page can offer notifications, and if not, why, in one sentence. */
export type NotificationSupport = { available: true } | { available: false; reason: string };

/**
 * Whether notifications can be offered here.
 *
 * @example
 * ```ts
 * import { notificationSupport } from "./alert_policy.ts";
 * notificationSupport({ secure: true, api: true, permission: "default" }); // { available: true }
 * notificationSupport({ secure: false, api: false }).available; // false
 * ```
 */
export function notificationSupport(env: NotificationEnvironment): NotificationSupport {
  if (!env.secure) {
    return {
      available: false,
      reason: "Notifications need a secure page: browsers offer them only over HTTPS " +
        "(chat serve --tls) or on the machine running the server (localhost), not at a plain " +
        "http:// network address.",
    };
  }
  if (!env.api) {
    return { available: false, reason: "This browser cannot show notifications." };
  }
  if (env.permission === "denied") {
    return {
      available: false,
      reason: "Notifications are blocked for this page; allow them in the browser's site " +
        "settings, then reload.",
    };
  }
  return { available: true };
}

/** One thing that arrived, as far as alerts care. */
export interface Arrival {
  /** A private message or file to the reader. */
  private: boolean;
  /** It mentions the reader. */
  mention: boolean;
}

/**
 * Whether `arrival` calls for attention, given the choice for its room (private messages always
 * do: they are for the reader).
 *
 * @example
 * ```ts
 * import { wantsAlert } from "./alert_policy.ts";
 * wantsAlert("mentions", { private: false, mention: true }); // true
 * wantsAlert("mentions", { private: false, mention: false }); // false
 * wantsAlert("nothing", { private: true, mention: false }); // true
 * ```
 */
export function wantsAlert(choice: RoomAlerts, arrival: Arrival): boolean {
  if (arrival.private) return true;
  return choice === "all" || (choice === "mentions" && arrival.mention);
}

/**
 * A stored choice read back: one of {@linkcode RoomAlerts}, else the default, `mentions`.
 *
 * @example
 * ```ts
 * import { roomAlerts } from "./alert_policy.ts";
 * roomAlerts("all"); // "all"
 * roomAlerts(42); // "mentions"
 * ```
 */
export function roomAlerts(stored: unknown): RoomAlerts {
  return stored === "all" || stored === "nothing" ? stored : "mentions";
}
