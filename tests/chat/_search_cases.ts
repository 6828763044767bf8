/**
 * What a search finds, as one table that the memory matcher (`matchesSearchTerms()`) and the
 * SQLite index (`searchIds()`) both run, so the two history stores agree.
 *
 * @module
 */

/** A text, a search, and whether the search finds the text. */
export interface SearchCase {
  text: string;
  search: string;
  found: boolean;
}

export const SEARCH_CASES: readonly SearchCase[] = [
  // Latin: whole words, any case, any order.
  { text: "The quick brown fox", search: "quick", found: true },
  { text: "The quick brown fox", search: "QUICK Fox", found: true },
  { text: "The quick brown fox", search: "qui", found: false },
  { text: "concatenate the files", search: "cat", found: false },
  { text: "The quick brown fox", search: "quick zebra", found: false },
  // Prefixes.
  { text: "The quick brown fox", search: "qui*", found: true },
  { text: "The quick brown fox", search: "bro* fo*", found: true },
  { text: "The quick brown fox", search: "row*", found: false },
  // Phrases.
  { text: "The quick brown fox", search: '"brown fox"', found: true },
  { text: "The quick brown fox", search: '"fox brown"', found: false },
  { text: "The quick brown fox", search: '"quick bro"*', found: true },
  { text: "The quick brown fox", search: '"quick fox"', found: false },
  { text: "send an e-mail today", search: "e-mail", found: true },
  { text: "e mail", search: "e-mail", found: true },
  { text: "mail e", search: "e-mail", found: false },
  // Accents and compatibility forms, either way round.
  { text: "Un café crème, s'il vous plaît", search: "cafe creme plait", found: true },
  { text: "un cafe", search: "CAFÉ", found: true },
  { text: "José Núñez", search: "jose nunez", found: true },
  { text: "naïve", search: "naive", found: true },
  { text: "cafe\u0301 decomposed", search: "café", found: true },
  { text: "ＦＵＬＬ width", search: "full", found: true },
  // Cyrillic.
  { text: "привет мир", search: "мир", found: true },
  { text: "привет мир", search: "ПРИВЕТ", found: true },
  { text: "привет мир", search: "прив*", found: true },
  { text: "привет мир", search: "прив", found: false },
  { text: "Ёлка", search: "ёлка", found: true },
  // Arabic, with and without vowel marks.
  { text: "مرحبا بالعالم", search: "مرحبا", found: true },
  { text: "مرحبا بالعالم", search: "بالعالم", found: true },
  { text: "مَرْحَبًا بالعالم", search: "مرحبا", found: true },
  { text: "مرحبا بالعالم", search: "مرح", found: false },
  // Greek.
  { text: "ΣΊΣΥΦΟΣ", search: "σισυφος", found: true },
  // Chinese: characters anywhere in a run.
  { text: "实验室的斑马鱼", search: "斑马鱼", found: true },
  { text: "实验室的斑马鱼", search: "实验室", found: true },
  { text: "实验室的斑马鱼", search: "鱼", found: true },
  { text: "实验室的斑马鱼", search: "的", found: true },
  { text: "实验室的斑马鱼", search: "马斑", found: false },
  { text: "实验室的斑马鱼", search: "鲸", found: false },
  { text: "我爱中国人民", search: "中国", found: true },
  { text: "中 国", search: "中国", found: false },
  { text: "中国", search: "中国", found: true },
  { text: "iPhone手机", search: "手机", found: true },
  { text: "斑马鱼 hello", search: '"斑马鱼 hello"', found: true },
  { text: "斑马鱼鱼 hello", search: '"斑马鱼 hello"', found: false },
  { text: "斑马鱼 hello", search: '"马鱼 hello"', found: true },
  { text: "斑马鱼肉 hello", search: '"斑马鱼 hello"', found: false },
  // Japanese kana and kanji; voiced kana are other sounds.
  { text: "東京タワーに行きました", search: "タワー", found: true },
  { text: "東京タワーに行きました", search: "行き", found: true },
  { text: "これはひらがなです", search: "ひらがな", found: true },
  { text: "がっこう", search: "かっこう", found: false },
  { text: "ｶﾞｯｺｳ", search: "ガッコウ", found: true },
  // Korean.
  { text: "서울에서 만나요", search: "서울", found: true },
  { text: "서울에서 만나요", search: "부산", found: false },
  // Emoji and punctuation separate words.
  { text: "🎉party🎉 time", search: "party", found: true },
  { text: "don't panic", search: "don't", found: true },
  // Search syntax is never syntax: operators are words, brackets and marks separate.
  { text: "fox AND dog", search: "AND", found: true },
  { text: "fox", search: "fox OR zebra", found: false },
  { text: "fox", search: "NOT fox", found: false },
  { text: "fox", search: "-fox", found: true },
  { text: "fox", search: "^fox", found: true },
  { text: "fox", search: "(fox)", found: true },
  { text: "body fox", search: "body:fox", found: true },
  { text: "near fox quick", search: "NEAR(fox quick)", found: true },
  { text: "fox quick", search: "NEAR(fox quick)", found: false },
  { text: "an unbalanced quote", search: '"unbalanced', found: true },
  { text: "a b c", search: 'a" "b c', found: true },
  { text: "fox", search: "fox*bar", found: false },
  { text: "fox bar", search: "fox*bar", found: true },
  { text: "fox", search: '** fox "" ()', found: true },
  { text: 'say "hi"', search: '"""hi"""', found: true },
];

/** Search texts with nothing to look for: `parseSearchTerms()` refuses them. */
export const EMPTY_SEARCHES: readonly string[] = [
  "",
  "   ",
  "*",
  '""',
  '"',
  "()^:-+*",
  "🎉🎉",
  '( "" ) *',
];
