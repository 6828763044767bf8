/**
 * Editing one's own message where it stands: its text gives way to a labelled text box holding
 * it, Enter saves (Shift+Enter starts a new line, as in the message box), Escape cancels, and
 * either way the text comes back and the focus returns to where it was. Saving sends `edit`
 * (PROTOCOL.md section 3.6); the row shows the new text when the server's acknowledgement is
 * applied, like everyone else's copy.
 *
 * @module
 */
import { el } from "../elements.ts";

/**
 * Replaces `row`'s text with an editor holding `text`; `save` is called with the new text (not
 * when unchanged or empty) and resolves once sent, or rejects with the reason to show.
 *
 * @example
 * ```ts ignore
 * editInPlace(row, "helo", (text) => send({ type: "edit", id: 41, text }), input);
 * ```
 */
export function editInPlace(
  row: HTMLElement,
  text: string,
  save: (text: string) => Promise<void>,
  returnFocus: HTMLElement,
): void {
  const shown = row.querySelector<HTMLElement>(".text");
  if (shown === null || row.querySelector(".edit-box") !== null) return;
  const area = el("textarea", {
    className: "edit-input",
    attrs: { "aria-label": "Edit message", rows: String(Math.min(8, text.split("\n").length)) },
  });
  area.value = text;
  const hint = el("span", { className: "edit-hint" }, "Enter saves · Escape cancels");
  const status = el("span", { className: "edit-status", attrs: { role: "status" } });
  const box = el("div", { className: "edit-box" }, area, hint, status);
  shown.hidden = true;
  shown.after(box);
  row.classList.add("editing");
  const close = () => {
    box.remove();
    shown.hidden = false;
    row.classList.remove("editing");
    returnFocus.focus({ preventScroll: true });
  };
  area.addEventListener("keydown", async (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      return close();
    }
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    const edited = area.value;
    if (edited === text || edited.trim() === "") return close();
    area.disabled = true;
    status.textContent = "Saving…";
    try {
      await save(edited);
      close();
    } catch (error) {
      area.disabled = false;
      status.textContent = error instanceof Error ? error.message : String(error);
      area.focus();
    }
  });
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
}
