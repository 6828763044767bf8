/**
 * A small modal dialog with a form, as the host controls use them: a heading, labelled fields, a
 * status line for the server's answer, and two buttons. It exists only while open (nothing of it
 * is left in the page for anyone to find), takes the focus when it opens and gives it back to
 * whoever opened it when it closes.
 *
 * @module
 */
import { el } from "../elements.ts";

let dialogs = 0;

/** What {@linkcode openDialogForm} shows and does. */
export interface DialogFormOptions {
  /** The heading, which also names the dialog. */
  title: string;
  /** Labelled fields and notes, in order. */
  fields: Node[];
  /** The label of the button that carries it out. */
  submit: string;
  /**
   * Carries it out; resolves with true to close the dialog, or throws with a sentence to show in
   * its status line (the dialog stays open to try again). `status` says how it goes meanwhile.
   */
  onSubmit(status: (text: string) => void): Promise<boolean>;
  /** Where the focus goes back when the dialog closes. */
  returnFocus?: () => HTMLElement | undefined;
  /** A class for the dialog, for the style sheet and tests. */
  className?: string;
}

/**
 * Opens a modal dialog form; resolves once it has closed, with whether it was carried out.
 *
 * @example
 * ```ts ignore
 * await openDialogForm({
 *   title: "Kick ben",
 *   fields: [labelled("Reason", reasonInput)],
 *   submit: "Kick",
 *   onSubmit: async () => (await hostCall(client, { type: "kick", nick: "ben" }), true),
 * });
 * ```
 */
export function openDialogForm(options: DialogFormOptions): Promise<boolean> {
  const id = `host-dialog-${++dialogs}`;
  const status = el("p", { className: "dialog-status", attrs: { role: "status" } });
  const submit = el("button", { attrs: { type: "submit" } }, options.submit);
  const cancel = el("button", { className: "secondary", attrs: { type: "button" } }, "Cancel");
  const form = el(
    "form",
    {},
    ...options.fields,
    status,
    el("div", { className: "dialog-buttons" }, submit, cancel),
  );
  const dialog = el(
    "dialog",
    {
      className: `host-dialog ${options.className ?? ""}`.trim(),
      attrs: { "aria-labelledby": `${id}-title` },
    },
    el("h2", { attrs: { id: `${id}-title` } }, options.title),
    form,
  );
  let carriedOut = false;
  cancel.addEventListener("click", () => dialog.close());
  // Escape closes the dialog, and only the dialog (not also the sidebar under it, on a phone).
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") event.stopPropagation();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = "";
    status.classList.remove("error");
    try {
      if (await options.onSubmit((text) => status.textContent = text)) {
        carriedOut = true;
        dialog.close();
      }
    } catch (error) {
      status.classList.add("error");
      status.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      submit.disabled = false;
    }
  });
  const { promise, resolve } = Promise.withResolvers<boolean>();
  dialog.addEventListener("close", () => {
    dialog.remove();
    options.returnFocus?.()?.focus();
    resolve(carriedOut);
  });
  document.body.append(dialog);
  dialog.showModal();
  return promise;
}

/** A label above its control, tied to it by id. */
export function labelled(text: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id ||= `host-field-${++dialogs}`;
  const parts: Node[] = [el("label", { attrs: { for: control.id } }, text)];
  if (hint !== undefined) {
    const hintId = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(el("span", { className: "hint", attrs: { id: hintId } }, hint));
  }
  return el("div", { className: "dialog-field" }, ...parts, control);
}

/** A checkbox with its label after it. */
export function checkbox(
  text: string,
  checked: boolean,
): { field: HTMLElement; input: HTMLInputElement } {
  const input = el("input", { attrs: { type: "checkbox" } });
  input.checked = checked;
  return { field: el("label", { className: "check" }, input, ` ${text}`), input };
}
