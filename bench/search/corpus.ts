/**
 * Chat text for the search benchmark, made up but shaped like the real thing: words drawn with
 * Zipf-like frequencies (a few words in most messages, most words rare), mostly Latin script,
 * some Cyrillic and Arabic, one message in ten Chinese or Japanese without spaces. Seeded, so
 * every run stores the same messages and asks the same questions.
 *
 * @module
 */

/** The most common English words, at the top of the Latin vocabulary. */
const COMMON = (
  "the to and a of i it is in you that for on this we be have with not but are so just can " +
  "what do at was if my they will all like get one there about think now from out up how " +
  "know time build test server file room fix deploy issue review merge branch lunch meeting"
).split(" ");
const LATIN_SYLLABLES = "ba be bi bo bu ca co da de di do fa fe fi ga go ka ke ki ko la le li " +
  "lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to " +
  "va ve vi vo za ze zi zo tr st pl gr br ch sh th qu";
const CYRILLIC_SYLLABLES = "ба бе би бо ва ве ви во да де ди до ка ке ки ко ла ле ли ло ма ме " +
  "ми мо на не ни но па пе пи по ра ре ри ро са се си со та те ти то пр ст";
const ARABIC_SYLLABLES = "با بي تا تي جا جي دا دي را ري سا سي كا كي لا لي ما مي نا ني ها هي وا";
/** Common Han characters, then kana; CJK text is runs drawn from them. */
const HAN = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之" +
  "过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所" +
  "本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工" +
  "己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再" +
  "平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华" +
  "报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京" +
  "务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义" +
  "科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办" +
  "运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收" +
  "脸钱党倒未持音鱼斑验室";
const KANA =
  "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん" +
  "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/** A seeded pseudo-random source (mulberry32): the same seed, the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words ranked by frequency, drawn as Zipf's law says (the word of rank r about 1/r as often). */
export class ZipfVocabulary {
  readonly words: readonly string[];
  #cumulative: Float64Array;
  #random: () => number;

  constructor(words: readonly string[], random: () => number) {
    this.words = words;
    this.#random = random;
    this.#cumulative = new Float64Array(words.length);
    let sum = 0;
    for (let rank = 0; rank < words.length; rank++) {
      sum += 1 / (rank + 1);
      this.#cumulative[rank] = sum;
    }
  }

  /** A word drawn by frequency. */
  draw(): string {
    const target = this.#random() * this.#cumulative[this.#cumulative.length - 1];
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.#cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return this.words[low];
  }
}

/** The benchmark's languages, and how a message in each is made. */
export class Corpus {
  readonly latin: ZipfVocabulary;
  readonly cyrillic: ZipfVocabulary;
  readonly arabic: ZipfVocabulary;
  readonly cjk: ZipfVocabulary;
  #random: () => number;

  constructor(seed: number) {
    this.#random = seededRandom(seed);
    const random = this.#random;
    this.latin = new ZipfVocabulary(
      [...new Set([...COMMON, ...inventWords(LATIN_SYLLABLES, 30_000, random)])],
      random,
    );
    this.cyrillic = new ZipfVocabulary(inventWords(CYRILLIC_SYLLABLES, 5_000, random), random);
    this.arabic = new ZipfVocabulary(inventWords(ARABIC_SYLLABLES, 3_000, random), random);
    this.cjk = new ZipfVocabulary([...HAN, ...KANA], random);
  }

  /** One message: 80 % Latin, 5 % Cyrillic, 5 % Arabic, 10 % Chinese or Japanese. */
  message(): string {
    const roll = this.#random();
    if (roll < 0.8) return this.#words(this.latin, 3, 25);
    if (roll < 0.85) return this.#words(this.cyrillic, 3, 15);
    if (roll < 0.9) return this.#words(this.arabic, 3, 15);
    const parts: string[] = [];
    const runs = 1 + Math.floor(this.#random() * 3);
    for (let i = 0; i < runs; i++) {
      const length = 4 + Math.floor(this.#random() * 20);
      parts.push(Array.from({ length }, () => this.cjk.draw()).join(""));
      if (this.#random() < 0.3) parts.push(this.latin.draw());
    }
    return parts.join(this.#random() < 0.5 ? " " : "，");
  }

  /** A whole number in [0, n). */
  below(n: number): number {
    return Math.floor(this.#random() * n);
  }

  #words(vocabulary: ZipfVocabulary, min: number, max: number): string {
    const count = min + Math.floor(this.#random() * (max - min + 1));
    const words = Array.from({ length: count }, () => vocabulary.draw());
    if (this.#random() < 0.1) words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    return words.join(" ") + (this.#random() < 0.3 ? "?" : "");
  }
}

function inventWords(syllables: string, count: number, random: () => number): string[] {
  const pieces = syllables.split(" ");
  const words = new Set<string>();
  while (words.size < count) {
    const length = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join(""));
  }
  return [...words];
}
