/**
 * Checks that docs/PROTOCOL.md mentions, in backticks, every client and server message type,
 * error code and frame type the code defines, so the document cannot drift from the code.
 *
 * ```sh
 * deno run --allow-read scripts/check_protocol_doc.ts
 * ```
 *
 * @module
 */
import {
  CLIENT_MESSAGE_TYPES,
  ERROR_CODES,
  FrameType,
  SERVER_MESSAGE_TYPES,
} from "../src/protocol/mod.ts";

const DOC_PATH = "docs/PROTOCOL.md";

/** Frame type numbers as the document writes them: `0x01`. */
function frameTypeHex(type: number): string {
  return `0x${type.toString(16).padStart(2, "0")}`;
}

const EXPECTED: { kind: string; words: readonly string[] }[] = [
  { kind: "client message type", words: CLIENT_MESSAGE_TYPES },
  { kind: "server message type", words: SERVER_MESSAGE_TYPES },
  { kind: "error code", words: ERROR_CODES },
  { kind: "frame type", words: Object.values(FrameType).map(frameTypeHex) },
];

/**
 * Returns what the protocol document fails to mention, one entry per missing word such as
 * ``client message type `hello` ``; an empty array when it documents everything.
 *
 * @example
 * ```ts
 * import { missingFromDoc } from "./check_protocol_doc.ts";
 * missingFromDoc("").length > 0; // true
 * ```
 */
export function missingFromDoc(doc: string): string[] {
  return EXPECTED.flatMap(({ kind, words }) =>
    words.filter((word) => !doc.includes(`\`${word}\``)).map((word) => `${kind} \`${word}\``)
  );
}

if (import.meta.main) {
  const doc = await Deno.readTextFile(new URL(`../${DOC_PATH}`, import.meta.url));
  const missing = missingFromDoc(doc);
  for (const entry of missing) {
    console.error(`${DOC_PATH} does not document the ${entry}; add it in backticks.`);
  }
  if (missing.length > 0) Deno.exit(1);
  console.log(
    `${DOC_PATH} documents all ${CLIENT_MESSAGE_TYPES.length} client, ` +
      `${SERVER_MESSAGE_TYPES.length} server message types, ${ERROR_CODES.length} error codes ` +
      `and ${Object.keys(FrameType).length} frame types.`,
  );
}
