/**
 * Holds docs/PROTOCOL.md to the code: every client and server message type, error code and frame
 * type must be mentioned in backticks, and the message tables of sections 3.1 and 3.2 must list
 * exactly the fields of each message in `CLIENT_MESSAGES` and `SERVER_MESSAGES`, with `?` after
 * those that may be left out. So the document cannot drift from the schema.
 *
 * A fields cell is a list of items separated by commas; each item starts with a field name in
 * backticks (`` `rid` `` or `` `rid`? ``) and may go on with words or a note in parentheses, which
 * are not read. `none` stands for no fields.
 *
 * ```sh
 * deno run --allow-read scripts/check_protocol_doc.ts
 * ```
 *
 * @module
 */
import {
  CLIENT_MESSAGE_TYPES,
  CLIENT_MESSAGES,
  ERROR_CODES,
  FrameType,
  SERVER_MESSAGE_TYPES,
  SERVER_MESSAGES,
  type Shape,
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

/** The two message tables and the schema each must match. */
const TABLES: { heading: string; direction: string; schema: Record<string, Shape> }[] = [
  { heading: "### 3.1", direction: "client", schema: CLIENT_MESSAGES },
  { heading: "### 3.2", direction: "server", schema: SERVER_MESSAGES },
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

/**
 * Returns every difference between the fields the message tables of `doc` list and the schema,
 * one sentence each, such as ``server message `ack` lacks the field `ts` ``; empty when they agree.
 *
 * @example
 * ```ts
 * import { fieldProblems } from "./check_protocol_doc.ts";
 * fieldProblems("").length > 0; // true: no tables at all
 * ```
 */
export function fieldProblems(doc: string): string[] {
  const problems: string[] = [];
  for (const { heading, direction, schema } of TABLES) {
    const rows = tableRows(doc, heading);
    if (rows === undefined) {
      problems.push(`section ${heading.slice(4)} has no message table`);
      continue;
    }
    for (const [type, shape] of Object.entries(schema)) {
      const cell = rows.get(type);
      const what = `${direction} message \`${type}\``;
      if (cell === undefined) {
        problems.push(`${what} has no row in section ${heading.slice(4)}`);
        continue;
      }
      const listed = parseFields(cell);
      for (const [name, field] of Object.entries(shape)) {
        const optional = listed.get(name);
        if (optional === undefined) problems.push(`${what} lacks the field \`${name}\``);
        else if (optional !== (field.optional === true)) {
          problems.push(
            `${what} shows the field \`${name}\` as ${optional ? "optional" : "required"}`,
          );
        }
      }
      for (const name of listed.keys()) {
        if (!Object.hasOwn(shape, name)) {
          problems.push(`${what} lists an unknown field \`${name}\``);
        }
      }
    }
    for (const type of rows.keys()) {
      if (!Object.hasOwn(schema, type)) {
        problems.push(`section ${heading.slice(4)} has a row for an unknown type \`${type}\``);
      }
    }
  }
  return problems;
}

/** The rows of the first table under `heading`: message type → its fields cell. */
function tableRows(doc: string, heading: string): Map<string, string> | undefined {
  const start = doc.split("\n").findIndex((line) => line.startsWith(heading));
  if (start < 0) return undefined;
  const rows = new Map<string, string>();
  const lines = doc.split("\n").slice(start + 1);
  for (const line of lines) {
    if (line.startsWith("#")) break;
    const cells = line.split("|").map((cell) => cell.trim());
    const type = /^`([a-z_]+)`$/.exec(cells[1] ?? "")?.[1];
    if (type !== undefined && cells.length >= 4) rows.set(type, cells[2]);
  }
  return rows.size === 0 ? undefined : rows;
}

/** The fields a cell lists: name → whether it is marked optional. */
function parseFields(cell: string): Map<string, boolean> {
  const fields = new Map<string, boolean>();
  for (const item of splitTopLevel(cell)) {
    const match = /^`([a-z_0-9]+)`(\?)?/.exec(item.trim());
    if (match !== null) fields.set(match[1], match[2] === "?");
  }
  return fields;
}

/** Splits at commas outside parentheses, braces and backticks. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const char of text) {
    if (char === "`") quoted = !quoted;
    else if (!quoted && (char === "(" || char === "{")) depth++;
    else if (!quoted && (char === ")" || char === "}")) depth--;
    if (char === "," && depth === 0 && !quoted) {
      items.push(current);
      current = "";
    } else current += char;
  }
  items.push(current);
  return items;
}

if (import.meta.main) {
  const doc = await Deno.readTextFile(new URL(`../${DOC_PATH}`, import.meta.url));
  const missing = missingFromDoc(doc);
  for (const entry of missing) {
    console.error(`${DOC_PATH} does not document the ${entry}; add it in backticks.`);
  }
  const problems = fieldProblems(doc);
  for (const problem of problems) console.error(`${DOC_PATH}: ${problem}.`);
  if (missing.length > 0 || problems.length > 0) Deno.exit(1);
  console.log(
    `${DOC_PATH} documents all ${CLIENT_MESSAGE_TYPES.length} client, ` +
      `${SERVER_MESSAGE_TYPES.length} server message types with their fields, ` +
      `${ERROR_CODES.length} error codes and ${Object.keys(FrameType).length} frame types.`,
  );
}
