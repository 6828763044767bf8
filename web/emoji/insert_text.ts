/**
 * Puts `text` into the message box in place of its characters from `start` to `end` (the
 * selection by default), leaves the cursor after it, and tells the page the box changed, as
 * typing would (the typing signal, the suggestions).
 *
 * @example
 * ```ts ignore
 * insertText(input, "😄"); // at the cursor
 * ```
 */
export function insertText(
  input: HTMLTextAreaElement,
  text: string,
  range: { start?: number; end?: number } = {},
): void {
  const start = range.start ?? input.selectionStart;
  const end = range.end ?? input.selectionEnd;
  input.setRangeText(text, start, end, "end");
  input.dispatchEvent(new Event("input", { bubbles: true }));
}
