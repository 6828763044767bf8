/**
 * Asking before a message is deleted: a small modal dialog (the host controls' kind) that says
 * whose message it is and that it cannot be undone, with Delete and Cancel; the focus goes back
 * where it was. Deleting sends `delete` (PROTOCOL.md section 3.6) and waits for the server's
 * answer, so a refusal is shown in the dialog.
 *
 * @module
 */
import { el } from "../elements.ts";
import { openDialogForm } from "../host/dialog_form.ts";

/**
 * Asks whether to delete the message of `from` that starts with `text`; `remove` sends the
 * request and resolves once the server agreed (or rejects with its reason).
 *
 * @example
 * ```ts ignore
 * await confirmDelete({ from: "ana", text: "oops", mine: true }, () => send({ type: "delete", id }));
 * ```
 */
export function confirmDelete(
  message: { from: string; text: string; mine: boolean },
  remove: () => Promise<void>,
  returnFocus: () => HTMLElement | undefined,
): Promise<boolean> {
  const chars = [...message.text];
  const start = chars.length > 120 ? `${chars.slice(0, 120).join("")}…` : message.text;
  return openDialogForm({
    title: message.mine ? "Delete your message?" : `Delete ${message.from}'s message?`,
    className: "delete-dialog",
    fields: [
      el("blockquote", { className: "delete-quote" }, start),
      el(
        "p",
        { className: "note" },
        "It is gone for everyone, from the history and the server's files; this cannot be undone.",
      ),
    ],
    submit: "Delete",
    onSubmit: async (status) => {
      status("Deleting…");
      await remove();
      return true;
    },
    returnFocus,
  });
}
