/**
 * Asked when a room turns this user away for want of its own passkey (`room_locked`, PROTOCOL.md
 * section 3.5): a small dialog for the room's passkey, which joins with it. A wrong one is said in
 * the dialog, to try again; the right one is kept by the client core for reconnects into that
 * room (`hello.room_passkey`), never in the browser's storage.
 *
 * @module
 */
import type { ChatClient } from "../../src/client/chat_client.ts";
import { ChatError } from "../../src/client/chat_error.ts";
import { el } from "../elements.ts";
import { labelled, openDialogForm } from "./dialog_form.ts";
import { hostRid } from "./host_request.ts";

/** What {@linkcode askRoomPasskey} needs. */
export interface RoomPasskeyOptions {
  /** The live connection, if any. */
  live(): ChatClient | undefined;
  /** Keeps the passkey that let the user into `room`, for reconnects. */
  remember(room: string, passkey: string): void;
  /** Where the focus goes back to. */
  returnFocus(): HTMLElement | undefined;
}

/**
 * Asks for `room`'s passkey (`why`: the server's sentence) and joins with it; resolves once the
 * dialog has closed, with whether the user got in.
 *
 * @example
 * ```ts ignore
 * await askRoomPasskey("staff", "The room staff has a passkey of its own.", options);
 * ```
 */
export function askRoomPasskey(
  room: string,
  why: string,
  options: RoomPasskeyOptions,
): Promise<boolean> {
  const passkey = el("input", {
    attrs: { type: "password", autocomplete: "off", spellcheck: "false", required: "" },
  });
  return openDialogForm({
    title: `The room ${room} has a passkey`,
    className: "room-passkey-dialog",
    fields: [el("p", { className: "note" }, why), labelled("Room passkey", passkey)],
    submit: "Join",
    returnFocus: options.returnFocus,
    onSubmit: async (status) => {
      const client = options.live();
      if (client === undefined) {
        throw new ChatError("not_connected", "Not connected right now; try again in a moment.");
      }
      const key = passkey.value.trim();
      if (key === "") throw new Error("Enter the room's passkey.");
      status("Joining…");
      const joined = await client.call(
        { type: "join", room, passkey: key, rid: hostRid() },
        "joined",
      );
      options.remember(joined.room, key);
      return true;
    },
  });
}
