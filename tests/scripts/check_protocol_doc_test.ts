import { assert, assertEquals } from "@std/assert";
import { fieldProblems, missingFromDoc } from "../../scripts/check_protocol_doc.ts";
import {
  CLIENT_MESSAGE_TYPES,
  ERROR_CODES,
  FrameType,
  SERVER_MESSAGE_TYPES,
} from "../../src/protocol/mod.ts";

const SCRIPT = new URL("../../scripts/check_protocol_doc.ts", import.meta.url);
const doc = await Deno.readTextFile(new URL("../../docs/PROTOCOL.md", import.meta.url));

function without(text: string, word: string): string {
  return text.replaceAll(`\`${word}\``, word);
}

Deno.test("missingFromDoc() finds nothing missing in docs/PROTOCOL.md", () => {
  assertEquals(missingFromDoc(doc), []);
});

Deno.test("missingFromDoc() lists every name for an empty document", () => {
  const missing = missingFromDoc("");
  const total = CLIENT_MESSAGE_TYPES.length + SERVER_MESSAGE_TYPES.length + ERROR_CODES.length +
    Object.keys(FrameType).length;
  assertEquals(missing.length, total);
  assertEquals(missing[0], "client message type `hello`");
  assertEquals(missing.at(-1), "frame type `0x02`");
});

Deno.test("missingFromDoc() reports exactly the names a document leaves out", () => {
  const cases = [
    { word: "hello", missing: ["client message type `hello`"] },
    { word: "history_end", missing: ["server message type `history_end`"] },
    { word: "bad_passkey", missing: ["error code `bad_passkey`"] },
    { word: "0x01", missing: ["frame type `0x01`"] },
    { word: "ping", missing: ["client message type `ping`", "server message type `ping`"] },
  ];
  for (const { word, missing } of cases) {
    assertEquals(missingFromDoc(without(doc, word)), missing, word);
  }
});

Deno.test("missingFromDoc() counts only backticked words", () => {
  const plain = [...CLIENT_MESSAGE_TYPES, ...SERVER_MESSAGE_TYPES, ...ERROR_CODES, "0x01", "0x02"]
    .join(" ");
  assertEquals(missingFromDoc(plain).length, missingFromDoc("").length);
  assertEquals(missingFromDoc("``hello``").includes("client message type `hello`"), false);
});

Deno.test("check_protocol_doc.ts exits 0 with a summary line when run from another directory", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", SCRIPT.pathname],
    cwd: "/",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assertEquals(code, 0, new TextDecoder().decode(stderr));
  assertEquals(
    out,
    `docs/PROTOCOL.md documents all ${CLIENT_MESSAGE_TYPES.length} client, ` +
      `${SERVER_MESSAGE_TYPES.length} server message types with their fields, ` +
      `${ERROR_CODES.length} error codes and ` +
      "2 frame types.\n",
  );
  assert(!out.includes("does not document"));
});

Deno.test("fieldProblems() finds nothing wrong with the tables of docs/PROTOCOL.md", () => {
  assertEquals(fieldProblems(doc), []);
});

/** The document with the first occurrence of `from` after `heading` replaced by `to`. */
function edited(heading: string, from: string, to: string): string {
  const at = doc.indexOf(from, doc.indexOf(heading));
  assert(at > 0, `${from} after ${heading}`);
  return doc.slice(0, at) + to + doc.slice(at + from.length);
}

Deno.test("fieldProblems() reports a field left out, marked wrongly, or unknown, in either table", () => {
  const cases = [
    {
      doc: edited("### 3.2", "`rid`, `id`, `ts`, `event`", "`rid`, `id`, `event`"),
      problems: ["server message `ack` lacks the field `ts`"],
    },
    {
      doc: edited("| `upload_end`", "`sha256`", "`sha256`?"),
      problems: ["client message `upload_end` shows the field `sha256` as optional"],
    },
    {
      doc: edited("| `welcome`", "`resume`?", "`resume`"),
      problems: ["server message `welcome` shows the field `resume` as required"],
    },
    {
      doc: edited("| `pong`", "`rid`?", "`rid`?, `sent_at`"),
      problems: ["client message `pong` lists an unknown field `sent_at`"],
    },
    {
      doc: edited("### 3.2", "| `bye`", "| `farewell`"),
      problems: [
        "server message `bye` has no row in section 3.2",
        "section 3.2 has a row for an unknown type `farewell`",
      ],
    },
  ];
  for (const { doc, problems } of cases) assertEquals(fieldProblems(doc), problems);
});

Deno.test("fieldProblems() reads no field names inside parentheses or a trailing remark", () => {
  const noted = edited(
    "| `history_end`",
    "`gap`? (true:",
    "`gap`? (true, with `more` and `count`,",
  );
  assertEquals(fieldProblems(noted), []);
});

Deno.test("fieldProblems() says so when a message table is missing", () => {
  assertEquals(fieldProblems("# nothing here\n"), [
    "section 3.1 has no message table",
    "section 3.2 has no message table",
  ]);
});
