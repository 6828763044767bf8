import { assert, assertEquals } from "@std/assert";
import {
  completeShortcode,
  emojiTable,
  isEmojiOnly,
  replaceShortcodes,
  searchEmoji,
  shortcodePartial,
} from "../../../src/client/emoji/mod.ts";

Deno.test("emojiTable() holds GitHub's shortcodes, each emoji once, in groups", () => {
  const { list, byName } = emojiTable();
  assert(list.length > 1800, `${list.length}`);
  assertEquals(byName.get("smile")?.emoji, "😄");
  assertEquals(byName.get("+1")?.emoji, "👍");
  assertEquals(byName.get("thumbsup")?.emoji, "👍");
  assertEquals(new Set(list.map((entry) => entry.emoji)).size, list.length);
  assertEquals(list[0].group, "Smileys & Emotion");
});

const REPLACED: { text: string; sent: string }[] = [
  { text: "hi :smile:", sent: "hi 😄" },
  { text: ":+1::tada:", sent: "👍🎉" },
  { text: ":SMILE: :nope: 12:30:45", sent: "😄 :nope: 12:30:45" },
  { text: "`:smile:` and :smile:", sent: "`:smile:` and 😄" },
  { text: "```\n:smile:\n``` :wave:", sent: "```\n:smile:\n``` 👋" },
  { text: "```\nunclosed :smile:", sent: "```\nunclosed :smile:" },
  { text: "no colon", sent: "no colon" },
];

for (const { text, sent } of REPLACED) {
  Deno.test(`replaceShortcodes() sends ${JSON.stringify(text)} as ${JSON.stringify(sent)}`, () => {
    assertEquals(replaceShortcodes(text), sent);
  });
}

const PARTIALS: { before: string; partial: string | undefined }[] = [
  { before: ":sm", partial: ":sm" },
  { before: "hi :smile:", partial: ":smile:" },
  { before: "hi (:sm", partial: ":sm" },
  { before: "hi :s", partial: undefined },
  { before: "at 12:30", partial: undefined },
  { before: "http://x", partial: undefined },
  { before: ":smile: ", partial: undefined },
];

for (const { before, partial } of PARTIALS) {
  Deno.test(`shortcodePartial() finds ${partial} at the end of ${JSON.stringify(before)}`, () => {
    assertEquals(shortcodePartial(before), partial);
  });
}

Deno.test("completeShortcode() makes a whole or unique shortcode its emoji", () => {
  assertEquals(completeShortcode("hi :smile:"), { partial: ":smile:", completions: ["😄 "] });
  assertEquals(completeShortcode("hi :Smile:"), { partial: ":Smile:", completions: ["😄 "] });
  assertEquals(completeShortcode(":thumbsu"), { partial: ":thumbsu", completions: ["👍 "] });
});

Deno.test("completeShortcode() offers the shortcodes that start with a partial one", () => {
  const { partial, completions } = completeShortcode("hi :smi");
  assertEquals(partial, ":smi");
  assert(completions.includes(":smile:"), completions.join(" "));
  assert(completions.includes(":smiley:"), completions.join(" "));
  for (const completion of completions) assert(completion.startsWith(":smi"), completion);
});

Deno.test("completeShortcode() offers nothing where no shortcode is typed", () => {
  for (const before of ["", "hi", "at 12:30", ":zzzzzz", "@ana"]) {
    assertEquals(completeShortcode(before).completions, [], before);
  }
});

Deno.test("searchEmoji() puts the shortcode first, then shortcodes, then keywords", () => {
  const found = searchEmoji("heart", { limit: 50 }).map((entry) => entry.emoji);
  assertEquals(found[0], "❤️");
  assert(found.includes("😍"), "found by its keywords: heart eyes");
  assertEquals(searchEmoji("zzzzzz"), []);
  assertEquals(searchEmoji("", { limit: 3 }).length, 3);
  const names = searchEmoji("smi", { namesOnly: true });
  for (const entry of names) assert(entry.names.some((name) => name.startsWith("smi")));
});

const EMOJI_ONLY: { text: string; only: boolean }[] = [
  { text: "🎉", only: true },
  { text: " 👍🏽  🇫🇷\n1️⃣ ", only: true },
  { text: "👨‍👩‍👧‍👦", only: true },
  { text: "🎉".repeat(8), only: true },
  { text: "🎉".repeat(9), only: false },
  { text: "🎉 yes", only: false },
  { text: "1", only: false },
  { text: "", only: false },
  { text: "   ", only: false },
];

for (const { text, only } of EMOJI_ONLY) {
  Deno.test(`isEmojiOnly() is ${only} for ${JSON.stringify(text)}`, () => {
    assertEquals(isEmojiOnly(text), only);
  });
}
