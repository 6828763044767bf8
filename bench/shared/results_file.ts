/**
 * bench/RESULTS.md, which every benchmark writes with `--write`: one section per benchmark and
 * mode between HTML comments, so a run replaces its own section and leaves the others alone.
 *
 * @module
 */
import { fromFileUrl } from "@std/path";

const RESULTS = fromFileUrl(new URL("../RESULTS.md", import.meta.url));

const HEADER = `# Benchmark results

Written by the benchmarks with \`--write\` (\`deno task bench\`, \`bench:connections\`, \`bench:files\`;
bench/fanout.ts, bench/connections.ts, bench/file_transfer.ts): one section per benchmark and mode
or file size, replaced when that one is run again.
`;

/**
 * Replaces the text between `<!-- NAME -->` and `<!-- /NAME -->` in bench/RESULTS.md with
 * `markdown` (or appends the section), leaving every other section as it was.
 */
export async function writeSection(name: string, markdown: string): Promise<string> {
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const section = `${start}\n\n${markdown}\n\n${end}`;
  let text: string;
  try {
    text = await Deno.readTextFile(RESULTS);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    text = HEADER;
  }
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from
    ? text.slice(0, from) + section + text.slice(to + end.length)
    : `${text.trimEnd()}\n\n${section}\n`;
  await Deno.writeTextFile(RESULTS, text);
  // Tables are aligned the way `deno fmt --check` (part of `deno task check`) expects.
  const { success } = await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", RESULTS] })
    .output();
  if (!success) throw new Error(`deno fmt ${RESULTS} failed.`);
  return RESULTS;
}
