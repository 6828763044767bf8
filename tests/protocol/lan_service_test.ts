import { assertEquals } from "@std/assert";
import {
  decodeServiceTxt,
  encodeServiceTxt,
  serviceNameProblem,
  type ServiceTxt,
} from "../../src/protocol/mod.ts";

const FINGERPRINT = "SHA256:" + Array.from({ length: 32 }, (_, i) => (i * 7).toString(16))
  .map((hex) => hex.padStart(2, "0").toUpperCase()).join(":");
const FP_HEX = FINGERPRINT.slice(7).replaceAll(":", "").toLowerCase();

const ENCODINGS: { name: string; txt: ServiceTxt; strings: string[] }[] = [
  {
    name: "plain server with a web client",
    txt: { version: 1, name: "Room 214", webPort: 7778 },
    strings: ["v=1", "name=Room 214", "web=7778"],
  },
  {
    name: "no web client",
    txt: { version: 1, name: "lab" },
    strings: ["v=1", "name=lab"],
  },
  {
    name: "TLS: the fingerprint as hex digits",
    txt: { version: 1, name: "Salle 3", webPort: 9001, fingerprint: FINGERPRINT },
    strings: ["v=1", "name=Salle 3", "web=9001", `fp=${FP_HEX}`],
  },
  {
    name: "a name with '=', dots and any script",
    txt: { version: 1, name: "a=b. Zoë's 教室" },
    strings: ["v=1", "name=a=b. Zoë's 教室"],
  },
  {
    name: "a later version",
    txt: { version: 2, name: "next" },
    strings: ["v=2", "name=next"],
  },
];

Deno.test("encodeServiceTxt() writes v first, then name, web and fp", () => {
  for (const { name, txt, strings } of ENCODINGS) {
    assertEquals(encodeServiceTxt(txt), strings, name);
  }
});

Deno.test("decodeServiceTxt() reads back what encodeServiceTxt() writes, as text or bytes", () => {
  const encoder = new TextEncoder();
  for (const { name, txt, strings } of ENCODINGS) {
    assertEquals(decodeServiceTxt(strings), txt, name);
    assertEquals(decodeServiceTxt(strings.map((s) => encoder.encode(s))), txt, `${name} (bytes)`);
  }
});

const DECODINGS: { name: string; strings: string[]; txt: ServiceTxt | undefined }[] = [
  { name: "empty record", strings: [], txt: undefined },
  { name: "another service's record", strings: ["path=/printer", "rp=ipp"], txt: undefined },
  { name: "no version", strings: ["name=lab"], txt: undefined },
  { name: "no name", strings: ["v=1"], txt: undefined },
  { name: "empty name", strings: ["v=1", "name="], txt: undefined },
  { name: "version not a number", strings: ["v=one", "name=lab"], txt: undefined },
  { name: "version negative", strings: ["v=-1", "name=lab"], txt: undefined },
  { name: "a boolean attribute v", strings: ["v", "name=lab"], txt: undefined },
  {
    name: "keys in any case",
    strings: ["V=1", "NAME=lab", "Web=80"],
    txt: { version: 1, name: "lab", webPort: 80 },
  },
  {
    name: "the first of a key wins",
    strings: ["v=1", "name=first", "name=second", "web=1", "web=2"],
    txt: { version: 1, name: "first", webPort: 1 },
  },
  {
    name: "unknown keys and boolean attributes are ignored",
    strings: ["v=1", "future=yes", "name=lab", "flag", "=orphan"],
    txt: { version: 1, name: "lab" },
  },
  ...["0", "65536", "80x", "", "-1", "123456"].map((web) => ({
    name: `web=${web} is not a port and is left out`,
    strings: ["v=1", "name=lab", `web=${web}`],
    txt: { version: 1, name: "lab" },
  })),
  {
    name: "fp in the form chat serve prints",
    strings: ["v=1", "name=lab", `fp=${FINGERPRINT}`],
    txt: { version: 1, name: "lab", fingerprint: FINGERPRINT },
  },
  { name: "fp too short", strings: ["v=1", "name=lab", "fp=abcd"], txt: undefined },
  { name: "fp empty", strings: ["v=1", "name=lab", "fp="], txt: undefined },
];

Deno.test("decodeServiceTxt() takes only a chat server's record and tolerates additions", () => {
  for (const { name, strings, txt } of DECODINGS) {
    assertEquals(decodeServiceTxt(strings), txt, name);
  }
});

const NAMES: { name: string; problem: string | undefined }[] = [
  { name: "Room 214", problem: undefined },
  { name: "ana-laptop.local", problem: undefined },
  { name: "教室".repeat(10), problem: undefined }, // 60 bytes
  { name: "x".repeat(63), problem: undefined },
  { name: "", problem: "The server's name must not be empty." },
  { name: "   ", problem: "The server's name must not be empty." },
  {
    name: "x".repeat(64),
    problem: `The server's name "${"x".repeat(40)}" is 64 bytes long in UTF-8; the limit is 63.`,
  },
  {
    name: "教室".repeat(11),
    problem: `The server's name "${"教室".repeat(11)}" is 66 bytes long in UTF-8; the limit is 63.`,
  },
  { name: "a\x1b[2Jb", problem: 'The server\'s name "a\\u001b[2Jb" has control characters.' },
  { name: "line\nbreak", problem: 'The server\'s name "line\\nbreak" has control characters.' },
];

Deno.test("serviceNameProblem() allows 1 to 63 bytes without control characters", () => {
  for (const { name, problem } of NAMES) {
    assertEquals(serviceNameProblem(name), problem, JSON.stringify(name));
  }
});
