import { assertEquals, assertThrows } from "@std/assert";
import {
  matchesSearchTerms,
  parseSearchTerms,
  type SearchTerm,
  searchTokens,
} from "../../src/chat/search_terms.ts";
import { EMPTY_SEARCHES, SEARCH_CASES } from "./_search_cases.ts";

const PARSED: { search: string; terms: SearchTerm[] }[] = [
  { search: "zebra", terms: [{ tokens: ["zebra"], prefix: false }] },
  { search: "  Zebra   FISH ", terms: [t("zebra"), t("fish")] },
  { search: "zeb*", terms: [{ tokens: ["zeb"], prefix: true }] },
  { search: "zeb***", terms: [{ tokens: ["zeb"], prefix: true }] },
  { search: '"red fish"', terms: [t("red", "fish")] },
  { search: '"red fi"*', terms: [{ tokens: ["red", "fi"], prefix: true }] },
  { search: '"red fish', terms: [t("red"), t("fish")] },
  { search: 'a "b c" d', terms: [t("a"), t("b", "c"), t("d")] },
  { search: "e-mail", terms: [t("e", "mail")] },
  { search: "NEAR(a b)", terms: [t("near", "a"), t("b")] },
  { search: "x OR y", terms: [t("x"), t("or"), t("y")] },
  { search: "col:x", terms: [t("col", "x")] },
  { search: "Café", terms: [t("cafe")] },
  { search: "斑马鱼", terms: [t("斑马", "马鱼")] },
  { search: "中国", terms: [t("中国")] },
  { search: "鱼", terms: [{ tokens: ["鱼"], prefix: true }] },
  { search: "鱼hello", terms: [t("鱼", "hello")] },
  { search: "hello鱼", terms: [{ tokens: ["hello", "鱼"], prefix: true }] },
  { search: "斑马鱼hello", terms: [t("斑马", "马鱼", "鱼", "hello")] },
];

function t(...tokens: string[]): SearchTerm {
  return { tokens, prefix: false };
}

Deno.test("parseSearchTerms() makes words, prefixes and phrases of any text", () => {
  for (const { search, terms } of PARSED) {
    assertEquals(parseSearchTerms(search).terms, terms, search);
  }
});

Deno.test("parseSearchTerms() refuses a text with nothing to look for", () => {
  for (const search of EMPTY_SEARCHES) {
    assertThrows(() => parseSearchTerms(search), RangeError, "holds no word", search);
  }
});

Deno.test("searchTokens() folds text and splits CJK runs into pairs and their last character", () => {
  const cases: { text: string; tokens: string[] }[] = [
    { text: "Ça va? Très bien!", tokens: ["ca", "va", "tres", "bien"] },
    { text: "实验室的斑马鱼", tokens: ["实验", "验室", "室的", "的斑", "斑马", "马鱼", "鱼"] },
    { text: "鱼", tokens: ["鱼"] },
    { text: "iPhone手机x", tokens: ["iphone", "手机", "机", "x"] },
    { text: "ｶﾞｯｺｳ", tokens: ["ガッ", "ッコ", "コウ", "ウ"] },
    { text: "مَرْحَبًا", tokens: ["مرحبا"] },
    { text: "a\u0000b", tokens: ["a", "b"] },
    { text: "🎉 -- ** ()", tokens: [] },
  ];
  for (const { text, tokens } of cases) assertEquals(searchTokens(text), tokens, text);
});

Deno.test("matchesSearchTerms() finds what the search cases say", () => {
  for (const { text, search, found } of SEARCH_CASES) {
    assertEquals(matchesSearchTerms(parseSearchTerms(search), text), found, `${search} in ${text}`);
  }
});

Deno.test("matchesSearchTerms() copes with long texts and searches", () => {
  const text = `${"lorem ipsum ".repeat(2000)}斑马鱼${"实".repeat(5000)}`;
  assertEquals(matchesSearchTerms(parseSearchTerms("ipsum 斑马鱼 实实实"), text), true);
  assertEquals(matchesSearchTerms(parseSearchTerms(`${"(".repeat(490)}xy*`), "xyz"), true);
});

Deno.test("parseSearchTerms() bounds a search's work: 8 distinct terms, prefixes of 2 letters", () => {
  assertEquals(parseSearchTerms("a b c d e f g h a b c").terms.length, 8);
  assertThrows(() => parseSearchTerms("a b c d e f g h i"), RangeError, "at most 8");
  assertThrows(() => parseSearchTerms("a*"), RangeError, "at least 2 letters");
  assertThrows(() => parseSearchTerms("a* ".repeat(100)), RangeError, "at least 2 letters");
  assertEquals(parseSearchTerms("ab*").terms, [{ tokens: ["ab"], prefix: true }]);
  // A single CJK character is a prefix of the pairs it starts, as before.
  assertEquals(parseSearchTerms("鱼").terms, [{ tokens: ["鱼"], prefix: true }]);
});
