import { assertEquals } from "@std/assert";
import { mentionedNicks, mentions } from "../../src/protocol/mentions.ts";

Deno.test("mentions: @nick anywhere, case-insensitively", () => {
  assertEquals(mentions("@ana hi", "ana"), true);
  assertEquals(mentions("hi @ANA", "ana"), true);
  assertEquals(mentions("hi @Ana, look", "ANA"), true);
  assertEquals(mentions("(@ana)", "ana"), true);
  assertEquals(mentions("thanks @ana.", "ana"), true);
  assertEquals(mentions("ZOË? @zoë", "Zoë"), true);
});

Deno.test("mentions: not a mention inside a word or of a longer nick", () => {
  assertEquals(mentions("mail me@ana.example", "ana"), false);
  assertEquals(mentions("hi @anabel", "ana"), false);
  assertEquals(mentions("hi ana", "ana"), false);
  assertEquals(mentions("@ @ @", "ana"), false);
  assertEquals(mentions("hi @ana", ""), false);
});

Deno.test("mentions: a nick with dots is whole, and its own prefix is not it", () => {
  assertEquals(mentions("see @a.b now", "a.b"), true);
  assertEquals(mentions("see @a.b now", "a"), false);
});

Deno.test("mentionedNicks: spans cover the @ and the nick", () => {
  const text = "@ana and @Ben! me@x";
  assertEquals(mentionedNicks(text), [
    { start: 0, end: 4, key: "ana" },
    { start: 9, end: 13, key: "ben" },
  ]);
  assertEquals(text.slice(9, 13), "@Ben");
});
