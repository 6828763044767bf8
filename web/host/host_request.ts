/**
 * The page's own requests of the host controls (PROTOCOL.md section 3.5), made from its menus and
 * dialogs rather than typed: each gets a `rid` of its own kind, so that its answer (`done`,
 * `room_settings`) or refusal is shown where it was asked (the dialog's status line) and not a
 * second time in the message list.
 *
 * @module
 */
import type { ChatClient } from "../../src/client/chat_client.ts";
import { ChatError } from "../../src/client/chat_error.ts";
import type { ClientMessage, ServerMessage } from "../../src/protocol/messages.ts";

const PREFIX = "host-";
let counter = 0;

/** Each member of the union `T` without the fields `K`. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A host control request, without its `rid` (this module gives it one). */
export type HostRequest = OmitEach<
  Extract<
    ClientMessage,
    { type: "op" | "deop" | "kick" | "ban" | "mute" | "unmute" | "topic" | "room_set" }
  >,
  "rid"
>;

/** What a host control request is answered with. */
export type HostAnswer = Extract<ServerMessage, { type: "done" | "room_settings" }>;

/** Whether `rid` is one of this module's: its answer goes to whoever asked. */
export function isHostRid(rid: string | undefined): boolean {
  return rid?.startsWith(PREFIX) ?? false;
}

/** A fresh `rid` for a request of the page's own whose answer goes to whoever asked. */
export function hostRid(): string {
  return `${PREFIX}${++counter}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Sends `request` on `client` and resolves with its answer: `room_settings` for `room_set`,
 * `done` for the others. Rejects with {@linkcode ChatError} (the server's refusal, or
 * `not_connected`), whose message is one sentence to show.
 *
 * @example
 * ```ts ignore
 * const done = await hostCall(session.live, { type: "kick", nick: "ben", reason: "spam" });
 * status.textContent = done.type === "done" ? done.text : "";
 * ```
 */
export async function hostCall(
  client: ChatClient | undefined,
  request: HostRequest,
): Promise<HostAnswer> {
  if (client === undefined) {
    throw new ChatError("not_connected", "Not connected right now; try again in a moment.");
  }
  const message = { ...request, rid: hostRid() } as ClientMessage & { rid: string };
  return await client.call(message, request.type === "room_set" ? "room_settings" : "done");
}
