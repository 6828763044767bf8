/**
 * Search benchmark: fills a real `chat.db` (the events schema of `openChatDatabase()` and the
 * search index of `_sqlite_search.ts`) with made-up chat in many languages, then measures what
 * search costs: the time added to storing each message, the index's size on disk, and the
 * latency of searches as a person in 10 of the 50 rooms makes them.
 *
 * ```sh
 * deno task bench:search                    # 1,000,000 messages
 * deno task bench:search --short            # 100,000
 * deno task bench:search --trigram --write  # also the trigram tokenizer, for comparison
 * ```
 *
 * Messages are stored in transactions of `--batch` (the events rows timed apart from the index
 * rows), then a few thousand more one per transaction, as a live server appends them, with and
 * without the index in turn.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { parseSearchTerms } from "../src/chat/search_terms.ts";
import { nickKey } from "../src/protocol/names.ts";
import { openChatDatabase } from "../src/store/_sqlite_schema.ts";
import {
  createSearchIndex,
  indexEvent,
  type SearchFilter,
  searchIds,
} from "../src/store/_sqlite_search.ts";
import { Corpus } from "./search/corpus.ts";
import {
  asTyped,
  describeCode,
  describeMachine,
  log,
  machineSummary,
  nearestRank,
  runMain,
  writeSection,
} from "./shared/mod.ts";

const USAGE = `Usage: deno task bench:search [--messages N | --short] [options]

  --messages N   messages to store (default 1000000)
  --short        a quick run: --messages 100000
  --batch N      messages per transaction while filling (default 1000)
  --queries N    searches of each kind (default 200)
  --trigram      also fill a trigram-tokenized table with the same texts, for comparison
  --write        write the figures to bench/RESULTS.md (its own section, at the end)`;

const ROOMS = 50;
const VISIBLE_ROOMS = 10;
const NICKS = 300;
/** One message in this many is private, one in FILE_EVERY a shared file. */
const PRIVATE_EVERY = 20;
const FILE_EVERY = 100;
/** Messages appended one per transaction, half with the index and half without. */
const SINGLE_APPENDS = 4000;
const PAGE = 20;

interface Sample {
  kind: string;
  searches: string[];
}

interface QueryFigures {
  kind: string;
  example: string;
  p50: number;
  p99: number;
  hits: number;
  full: number;
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args, {
    boolean: ["short", "trigram", "write", "help"],
    string: ["messages", "batch", "queries"],
  });
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const messages = Number(args.messages ?? (args.short ? 100_000 : 1_000_000));
  const batch = Number(args.batch ?? 1000);
  const queries = Number(args.queries ?? 200);
  if (![messages, batch, queries].every((n) => Number.isInteger(n) && n > 0)) {
    console.error(USAGE);
    return 2;
  }
  const tmp = await Deno.makeTempDir({ prefix: "chat_bench_search_" });
  try {
    const path = `${tmp}/chat.db`;
    const db = openChatDatabase(path);
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'event_search'").get() === undefined) {
      createSearchIndex(db);
    }
    const trigram = args.trigram ? createTrigramTable(db) : undefined;
    const corpus = new Corpus(18);
    const fill = fillDatabase(db, corpus, { messages, batch, trigram });
    const single = appendOneByOne(db, corpus);
    db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get();
    db.exec("ANALYZE");
    const sizes = measureSizes(db, path);
    const samples = chooseSearches(corpus, fill.samples, queries);
    const filter = { rooms: roomNames().slice(0, VISIBLE_ROOMS), privateKey: "user7" };
    const figures = samples.map((sample) => timeSearches(db, sample, filter));
    const trigramFigures = trigram === undefined
      ? undefined
      : samples.filter((sample) => sample.kind.startsWith("CJK")).map((sample) =>
        timeTrigram(db, sample, filter)
      );
    db.close();
    const markdown = report({
      messages,
      batch,
      queries,
      fill,
      single,
      sizes,
      figures,
      trigramFigures,
      machine: machineSummary(await describeMachine(tmp)),
      code: await describeCode(),
      command: asTyped([Deno.execPath(), "task", "bench:search", ...Deno.args]),
    });
    console.log(markdown);
    if (args.write) log(`wrote ${await writeSection("bench:search", markdown)}`);
    return 0;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

interface Fill {
  eventsUs: number;
  indexUs: number;
  commitUs: number;
  trigramUs: number | undefined;
  seconds: number;
  samples: string[];
}

function fillDatabase(
  db: DatabaseSync,
  corpus: Corpus,
  options: { messages: number; batch: number; trigram: StatementSync | undefined },
): Fill {
  const insert = insertStatement(db);
  const rooms = roomNames();
  const samples: string[] = [];
  let eventsMs = 0;
  let indexMs = 0;
  let commitMs = 0;
  let trigramMs = 0;
  const started = performance.now();
  for (let done = 0; done < options.messages; done += options.batch) {
    const rows = Array.from(
      { length: Math.min(options.batch, options.messages - done) },
      (_, i) => makeEvent(corpus, rooms, done + i),
    );
    db.exec("BEGIN IMMEDIATE");
    const t0 = performance.now();
    const ids = rows.map((row) => Number(insert.run(...row.values).lastInsertRowid));
    const t1 = performance.now();
    rows.forEach((row, i) => indexEvent(db, { id: ids[i], ...row.event }));
    const t2 = performance.now();
    if (options.trigram !== undefined) {
      rows.forEach((row, i) => options.trigram!.run(ids[i], row.event.text));
    }
    const t3 = performance.now();
    db.exec("COMMIT");
    commitMs += performance.now() - t3;
    eventsMs += t1 - t0;
    indexMs += t2 - t1;
    trigramMs += t3 - t2;
    if (samples.length < 5000) samples.push(rows[0].event.text);
    if ((done / options.batch) % 100 === 0) log(`stored ${done} messages`);
  }
  const us = (ms: number) => ms * 1000 / options.messages;
  return {
    eventsUs: us(eventsMs),
    indexUs: us(indexMs),
    commitUs: us(commitMs),
    trigramUs: options.trigram === undefined ? undefined : us(trigramMs),
    seconds: (performance.now() - started) / 1000,
    samples,
  };
}

/** Appends one message per transaction, alternately with and without indexing it. */
function appendOneByOne(db: DatabaseSync, corpus: Corpus): { plainUs: number; indexedUs: number } {
  const insert = insertStatement(db);
  const rooms = roomNames();
  let plain = 0;
  let indexed = 0;
  for (let i = 0; i < SINGLE_APPENDS; i++) {
    const row = makeEvent(corpus, rooms, i);
    const start = performance.now();
    db.exec("BEGIN IMMEDIATE");
    const id = Number(insert.run(...row.values).lastInsertRowid);
    if (i % 2 === 1) indexEvent(db, { id, ...row.event });
    db.exec("COMMIT");
    if (i % 2 === 1) indexed += performance.now() - start;
    else plain += performance.now() - start;
  }
  const half = SINGLE_APPENDS / 2;
  return { plainUs: plain * 1000 / half, indexedUs: indexed * 1000 / half };
}

function insertStatement(db: DatabaseSync): StatementSync {
  return db.prepare(
    `INSERT INTO events (ts, room, type, sender, recipient, text, file_name, file_size,
       file_sha256, file_blob, sender_key, recipient_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
}

type Value = string | number | null;

function makeEvent(corpus: Corpus, rooms: string[], n: number) {
  const text = corpus.message();
  const from = `user${corpus.below(NICKS)}`;
  const room = rooms[corpus.below(rooms.length)];
  if (n % PRIVATE_EVERY === 7) {
    const to = `user${corpus.below(NICKS)}`;
    const values: Value[] = [n, room, "private", from, to, text, null, null, null, null, from, to];
    return { values, event: { type: "private", text } };
  }
  if (n % FILE_EVERY === 3) {
    const name = `${corpus.latin.draw()}-${corpus.latin.draw()}.pdf`;
    const values: Value[] = [n, room, "file", from, null, text, name, 1000, "0".repeat(64), "b"];
    values.push(null, null);
    return { values, event: { type: "file", text, file: { name } } };
  }
  const values: Value[] = [
    n,
    room,
    "message",
    from,
    null,
    text,
    null,
    null,
    null,
    null,
    null,
    null,
  ];
  return { values, event: { type: "message", text } };
}

function roomNames(): string[] {
  return Array.from({ length: ROOMS }, (_, i) => `room-${i}`);
}

function createTrigramTable(db: DatabaseSync): StatementSync {
  db.exec(`CREATE VIRTUAL TABLE trigram_search USING fts5(
    body, content = '', columnsize = 0, tokenize = 'trigram remove_diacritics 1')`);
  return db.prepare("INSERT INTO trigram_search (rowid, body) VALUES (?, ?)");
}

interface Sizes {
  file: number;
  events: number;
  index: number;
  trigram: number;
}

function measureSizes(db: DatabaseSync, path: string): Sizes {
  const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all();
  const sum = (match: (name: string) => boolean) =>
    rows.filter((row) => match(String(row.name))).reduce(
      (total, row) => total + Number(row.bytes),
      0,
    );
  const events = db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'events'").all()
    .map((row) => String(row.name));
  return {
    file: Deno.statSync(path).size,
    events: sum((name) => events.includes(name) || name === "sqlite_autoindex_events_1"),
    index: sum((name) => name.startsWith("event_search")),
    trigram: sum((name) => name.startsWith("trigram_search")),
  };
}

/** The searches of each kind, drawn from the vocabularies and from stored messages. */
function chooseSearches(corpus: Corpus, stored: string[], count: number): Sample[] {
  const words = corpus.latin.words;
  const pick = <T>(list: readonly T[]) => list[corpus.below(list.length)];
  const many = (make: () => string) => Array.from({ length: count }, make);
  const latinTexts = stored.filter((text) => /^[a-z]/i.test(text) && text.includes(" "));
  const cjkTexts = stored.map((text) => text.match(/[\u3040-\u30ff\u4e00-\u9fff]{3,}/)?.[0])
    .filter((run): run is string => run !== undefined);
  const substring = (length: number) => () => {
    const run = pick(cjkTexts);
    const at = corpus.below(run.length - length + 1);
    return run.slice(at, at + length);
  };
  return [
    { kind: "common word", searches: many(() => words[corpus.below(10)]) },
    { kind: "rare word", searches: many(() => words[10_000 + corpus.below(20_000)]) },
    {
      kind: "two words",
      searches: many(() => `${words[corpus.below(20)]} ${words[50 + corpus.below(500)]}`),
    },
    { kind: "prefix", searches: many(() => `${words[100 + corpus.below(900)].slice(0, 3)}*`) },
    {
      kind: "phrase",
      searches: many(() => {
        const parts = pick(latinTexts).replace("?", "").split(" ");
        const at = corpus.below(parts.length - 1);
        return `"${parts[at]} ${parts[at + 1]}"`;
      }),
    },
    { kind: "Cyrillic word", searches: many(() => corpus.cyrillic.words[corpus.below(1000)]) },
    { kind: "CJK, 3 characters", searches: many(substring(3)) },
    { kind: "CJK, 2 characters", searches: many(substring(2)) },
    {
      kind: "2 two-letter prefixes",
      searches: many(() => {
        const short = () => `${words.filter((word) => word.length >= 2)[corpus.below(200)]}`;
        return Array.from({ length: 2 }, () => `${short().slice(0, 2)}*`).join(" ");
      }),
    },
    {
      kind: "3 three-letter prefixes",
      searches: many(() => {
        const short = () => `${words.filter((word) => word.length >= 3)[corpus.below(200)]}`;
        return Array.from({ length: 3 }, () => `${short().slice(0, 3)}*`).join(" ");
      }),
    },
    {
      kind: "8 common words",
      searches: many(() => Array.from({ length: 8 }, () => words[corpus.below(30)]).join(" ")),
    },
    {
      kind: "8 two-letter prefixes",
      searches: many(() => {
        const short = () => `${words.filter((word) => word.length >= 2)[corpus.below(200)]}`;
        return Array.from({ length: 8 }, () => `${short().slice(0, 2)}*`).join(" ");
      }),
    },
  ];
}

function timeSearches(
  db: DatabaseSync,
  sample: Sample,
  filter: Pick<SearchFilter, "rooms" | "privateKey">,
): QueryFigures {
  const latencies: number[] = [];
  let hits = 0;
  let full = 0;
  for (const search of sample.searches) {
    const start = performance.now();
    const page = searchIds(db, parseSearchTerms(search), { ...filter, limit: PAGE });
    latencies.push(performance.now() - start);
    hits += page.ids.length;
    if (page.more) full++;
  }
  return summarize(sample, latencies, hits, full);
}

/** The same searches on the trigram table, with the same visibility filter. */
function timeTrigram(
  db: DatabaseSync,
  sample: Sample,
  filter: Pick<SearchFilter, "rooms" | "privateKey">,
): QueryFigures {
  const statement = db.prepare(
    `SELECT s.rowid AS id FROM trigram_search AS s JOIN events AS e ON e.id = s.rowid
     WHERE trigram_search MATCH ? AND ((e.recipient IS NULL
       AND e.room IN (SELECT value FROM json_each(?))) OR (e.recipient_key IS NOT NULL
       AND (e.sender_key = ? OR e.recipient_key = ?)))
     ORDER BY s.rowid DESC LIMIT ?`,
  );
  const rooms = JSON.stringify(filter.rooms);
  const me = nickKey(filter.privateKey);
  const latencies: number[] = [];
  let hits = 0;
  let full = 0;
  for (const search of sample.searches) {
    const start = performance.now();
    const ids = statement.all(`"${search}"`, rooms, me, me, PAGE + 1);
    latencies.push(performance.now() - start);
    hits += Math.min(ids.length, PAGE);
    if (ids.length > PAGE) full++;
  }
  return summarize({ ...sample, kind: `${sample.kind} (trigram)` }, latencies, hits, full);
}

function summarize(sample: Sample, latencies: number[], hits: number, full: number): QueryFigures {
  latencies.sort((a, b) => a - b);
  return {
    kind: sample.kind,
    example: sample.searches[0],
    p50: nearestRank(latencies, 0.5),
    p99: nearestRank(latencies, 0.99),
    hits: hits / sample.searches.length,
    full: full / sample.searches.length,
  };
}

function report(run: {
  messages: number;
  batch: number;
  queries: number;
  fill: Fill;
  single: { plainUs: number; indexedUs: number };
  sizes: Sizes;
  figures: QueryFigures[];
  trigramFigures: QueryFigures[] | undefined;
  machine: string;
  code: string;
  command: string;
}): string {
  const { fill, single, sizes } = run;
  const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  const perMessage = (bytes: number) => `${(bytes / run.messages).toFixed(0)} B`;
  const rows = [...run.figures, ...(run.trigramFigures ?? [])].map((f) =>
    `| ${f.kind} | \`${f.example.replaceAll("|", "\\|")}\` | ${f.p50.toFixed(2)} | ` +
    `${f.p99.toFixed(2)} | ${f.hits.toFixed(1)} | ${(f.full * 100).toFixed(0)} % |`
  );
  const lines = [
    `### Search over ${run.messages.toLocaleString("en")} messages`,
    "",
    `${new Date().toISOString().slice(0, 10)}, ${run.code}. ${run.machine}.`,
    "",
    "```sh",
    run.command,
    "```",
    "",
    `Filled in ${fill.seconds.toFixed(0)} s, in transactions of ${run.batch} messages ` +
    `(${ROOMS} rooms, one message in ${PRIVATE_EVERY} private, one in ${FILE_EVERY} a file; ` +
    "80 % Latin words with Zipf frequencies, 5 % Cyrillic, 5 % Arabic, 10 % Chinese or Japanese).",
    "",
    "| cost per message | µs |",
    "| --- | ---: |",
    `| events row (in transactions of ${run.batch}) | ${fill.eventsUs.toFixed(1)} |`,
    `| search index (tokenizing and FTS5), added | ${fill.indexUs.toFixed(1)} |`,
    `| commit, both | ${fill.commitUs.toFixed(1)} |`,
    ...(fill.trigramUs === undefined
      ? []
      : [`| trigram table instead (for comparison) | ${fill.trigramUs.toFixed(1)} |`]),
    `| one message per transaction, without the index | ${single.plainUs.toFixed(1)} |`,
    `| one message per transaction, with the index | ${single.indexedUs.toFixed(1)} |`,
    "",
    "| on disk | size | per message |",
    "| --- | ---: | ---: |",
    `| database file | ${mib(sizes.file)} | ${perMessage(sizes.file)} |`,
    `| events table and its indexes | ${mib(sizes.events)} | ${perMessage(sizes.events)} |`,
    `| search index (event_search shadow tables) | ${mib(sizes.index)} | ${
      perMessage(sizes.index)
    } |`,
    ...(run.trigramFigures === undefined ? [] : [
      `| trigram table, for comparison | ${mib(sizes.trigram)} | ${perMessage(sizes.trigram)} |`,
    ]),
    "",
    `Searches by a person in ${VISIBLE_ROOMS} of the ${ROOMS} rooms and their own private ` +
    `messages, for a page of ${PAGE}; ${run.figures.length} kinds, each made ${run.queries} ` +
    "times with other terms (parsing included). *Results*: the mean page length; *pages full*: " +
    "how often there was more.",
    "",
    "| search | example | p50 ms | p99 ms | results | pages full |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows,
  ];
  return lines.join("\n");
}

if (import.meta.main) await runMain(main);
