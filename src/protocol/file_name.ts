/** Longest file name kept, in UTF-8 bytes, extension included. */
export const MAX_FILE_NAME_BYTES = 200;

const encoder = new TextEncoder();
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069<>:"|?*]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Makes a file name safe to show and to save anywhere: only the last path component is kept,
 * control characters and characters Windows forbids become `_`, leading dots are removed (no
 * hidden files, no `..`), Windows device names are prefixed, and the name is cut to
 * {@linkcode MAX_FILE_NAME_BYTES} keeping its extension. Never empty.
 *
 * @example
 * ```ts
 * import { sanitizeFileName } from "./file_name.ts";
 * sanitizeFileName("../../etc/passwd"); // "passwd"
 * sanitizeFileName("C:\\Users\\ana\\report.pdf"); // "report.pdf"
 * sanitizeFileName("..."); // "file"
 * ```
 */
export function sanitizeFileName(name: string): string {
  const last = name.slice(-4096).split(/[/\\]/).filter((part) => part !== "").pop() ?? "";
  let safe = last.normalize("NFC").replace(UNSAFE, "_").replace(/^[.\s]+/, "").replace(
    /[.\s]+$/,
    "",
  );
  if (safe === "") return "file";
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  if (encoder.encode(safe).byteLength <= MAX_FILE_NAME_BYTES) return safe;
  const dot = safe.lastIndexOf(".");
  const extension = dot > 0 && safe.length - dot <= 16 ? safe.slice(dot) : "";
  const budget = MAX_FILE_NAME_BYTES - encoder.encode(extension).byteLength;
  // A code point is at least one byte, so this bounds the trimming below.
  let stem = [...safe.slice(0, safe.length - extension.length)].slice(0, budget).join("");
  while (encoder.encode(stem).byteLength > budget) stem = [...stem].slice(0, -1).join("");
  return stem + extension;
}
