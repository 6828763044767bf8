import { assert, assertEquals } from "@std/assert";
import { missingFromDoc } from "../../scripts/check_protocol_doc.ts";
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
      `${SERVER_MESSAGE_TYPES.length} server message types, ${ERROR_CODES.length} error codes and ` +
      "2 frame types.\n",
  );
  assert(!out.includes("does not document"));
});
