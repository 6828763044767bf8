/**
 * The text of `chat COMMAND --help`: the usage line, what the command does, its options laid
 * out from the flag declaration, and what else there is to know. Prose is wrapped here, so a
 * sentence several commands share (where the passkey comes from) can be written once.
 *
 * @module
 */
import { type FlagDeclarations, optionsHelp } from "./flags/mod.ts";

/**
 * The longest line of wrapped prose: the width the descriptions were written to by hand. Option
 * lines are not wrapped; they keep the line breaks of their help, as their column varies.
 */
const PROSE_WIDTH = 82;

/** What a command's help is made of. */
export interface CommandHelp {
  /** The word after `chat`. */
  readonly name: string;
  /** What follows `chat NAME` on the usage line, such as `HOST[:PORT] [options]`. */
  readonly usage: string;
  /** What the command does: paragraphs separated by a blank line, wrapped here. */
  readonly description: string;
  /** The command's flags; `-h, --help` is added. */
  readonly flags: FlagDeclarations;
  /** Where the help of each option starts, counted from 0. */
  readonly helpColumn: number;
  /** Paragraphs after the options, wrapped here. */
  readonly epilogue?: string;
}

/**
 * The full `--help` text of a command.
 *
 * @example
 * ```ts
 * import { commandHelp } from "./command_help.ts";
 * commandHelp({
 *   name: "files",
 *   usage: "HOST[:PORT]",
 *   description: "Lists the files shared in a room.",
 *   flags: { json: { kind: "boolean", help: "one JSON object per line" } },
 *   helpColumn: 18,
 * });
 * // "Usage: chat files HOST[:PORT]\n\nLists the files shared in a room.\n\nOptions:\n" +
 * // "  --json          one JSON object per line\n  -h, --help      this help"
 * ```
 */
export function commandHelp(help: CommandHelp): string {
  return [
    `Usage: chat ${help.name} ${help.usage}`,
    "",
    wrapProse(help.description),
    "",
    "Options:",
    optionsHelp(help.flags, { column: help.helpColumn }),
    ...(help.epilogue === undefined ? [] : ["", wrapProse(help.epilogue)]),
  ].join("\n");
}

/** Fills each paragraph's lines with as many words as fit in {@linkcode PROSE_WIDTH}. */
function wrapProse(text: string): string {
  return text.split(/\n\s*\n/).map((paragraph) => {
    const lines: string[] = [];
    for (const word of paragraph.trim().split(/\s+/)) {
      const last = lines.length - 1;
      if (last >= 0 && lines[last].length + 1 + word.length <= PROSE_WIDTH) {
        lines[last] += ` ${word}`;
      } else {
        lines.push(word);
      }
    }
    return lines.join("\n");
  }).join("\n\n");
}
