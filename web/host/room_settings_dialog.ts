/**
 * The operator's "Room settings" dialog: the topic, announcement only, the room's own passkey,
 * slow mode, files and closing the room. It reads the settings as they are (a `room_set` that
 * changes nothing) and sends only what the operator changed: the topic with `topic`, the rest in
 * one `room_set` (PROTOCOL.md section 3.5).
 *
 * @module
 */
import { MAX_REASON_CHARS, MAX_SLOW_S } from "../../src/protocol/messages.ts";
import { el } from "../elements.ts";
import { checkbox, labelled, openDialogForm } from "./dialog_form.ts";
import type { HostAnswer, HostRequest } from "./host_request.ts";
import { type RoomSettings, settingsChange } from "./room_settings.ts";

/** What {@linkcode openRoomSettingsDialog} needs. */
export interface RoomSettingsDialogOptions {
  /** Sends a request; resolves with its answer, or throws a sentence. */
  send(request: HostRequest): Promise<HostAnswer>;
  /** Where the focus goes back to. */
  returnFocus(): HTMLElement | undefined;
}

/**
 * Opens the settings of `room` as they are now (`current`); resolves with a sentence saying
 * what was changed, or undefined when the dialog was cancelled.
 *
 * @example
 * ```ts ignore
 * const current = await hostCall(client, { type: "room_set", room: "lobby" });
 * const said = await openRoomSettingsDialog("lobby", current, { send, returnFocus });
 * ```
 */
export async function openRoomSettingsDialog(
  room: string,
  current: RoomSettings,
  options: RoomSettingsDialogOptions,
): Promise<string | undefined> {
  const topic = el("input", {
    attrs: { type: "text", maxlength: String(MAX_REASON_CHARS), autocomplete: "off" },
  });
  topic.value = current.topic ?? "";
  const announce = checkbox("Announcements only: only operators post", current.announce);
  const passkey = el("input", {
    attrs: { type: "password", autocomplete: "new-password", spellcheck: "false" },
  });
  const removePasskey = checkbox("Remove the room's passkey", false);
  const slow = el("input", {
    attrs: { type: "number", min: "0", max: String(MAX_SLOW_S), step: "1", inputmode: "numeric" },
  });
  slow.value = String(current.slow_s);
  const files = checkbox("Files may be shared here", current.files);
  const closed = checkbox("Closed: nobody but operators joins or posts", current.closed);
  const fields: Node[] = [
    labelled("Topic", topic, "Shown to everyone in the room's header; empty for none."),
    announce.field,
    labelled(
      current.locked ? "New room passkey" : "Room passkey",
      passkey,
      current.locked
        ? "The room has a passkey of its own; leave this empty to keep it."
        : "Set one to let in only those who know it; those already in stay.",
    ),
  ];
  if (current.locked) fields.push(removePasskey.field);
  fields.push(
    labelled(
      "Slow mode, seconds",
      slow,
      "How long each person waits between two messages; 0 for none.",
    ),
    files.field,
    closed.field,
  );
  let said: string | undefined;
  await openDialogForm({
    title: `Settings of ${room}`,
    className: "room-settings-dialog",
    fields,
    submit: "Save",
    returnFocus: options.returnFocus,
    onSubmit: async (status) => {
      const seconds = Number(slow.value);
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SLOW_S) {
        throw new Error(`Slow mode is a whole number of seconds from 0 to ${MAX_SLOW_S}.`);
      }
      const newPasskey = passkey.value.trim();
      const change = settingsChange(current, {
        topic: topic.value.trim(),
        announce: announce.input.checked,
        passkey: removePasskey.input.checked ? "" : newPasskey === "" ? undefined : newPasskey,
        slow_s: seconds,
        files: files.input.checked,
        closed: closed.input.checked,
      });
      const parts: string[] = [];
      if (change.topic === undefined && Object.keys(change.set).length === 0) {
        said = "Nothing was changed.";
        return true;
      }
      status("Saving…");
      if (change.topic !== undefined) {
        const done = await options.send({ type: "topic", room, text: change.topic });
        if (done.type === "done") parts.push(done.text);
      }
      if (Object.keys(change.set).length > 0) {
        await options.send({ type: "room_set", room, ...change.set });
        parts.push(`The settings of ${room} were saved.`);
      }
      said = parts.join(" ");
      return true;
    },
  });
  return said;
}
