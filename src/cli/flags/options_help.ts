/**
 * The options part of a command's `--help`, laid out from its flag declaration: one entry per
 * flag (or per group sharing lines, `--rate N, --burst N`), its name as typed, then its help
 * lines from a column the command chooses; a name too long for the column gets a line of its
 * own. `-h, --help` comes last.
 *
 * @module
 */
import { HELP_FLAG } from "./_help_flag.ts";
import type { FlagDeclaration, FlagDeclarations } from "./declaration.ts";

/** Spaces before each option. */
const INDENT = "  ";
/** Fewest spaces between an option's name and its help on the same line. */
const GAP = 2;

/**
 * The option lines of `declarations`, help text starting at `column` (counted from 0).
 *
 * @example
 * ```ts
 * import { defineFlags, optionsHelp } from "./mod.ts";
 * const declarations = defineFlags({
 *   room: { kind: "string", value: "NAME", help: "the room\n(default lobby)" },
 *   reconnect: { kind: "boolean", default: true, negatable: true, help: "stop at a lost connection" },
 * });
 * optionsHelp(declarations, { column: 18 });
 * // "  --room NAME     the room\n" +
 * // "                  (default lobby)\n" +
 * // "  --no-reconnect  stop at a lost connection\n" +
 * // "  -h, --help      this help"
 * ```
 */
export function optionsHelp(declarations: FlagDeclarations, layout: { column: number }): string {
  const entries: { names: string[]; help: string }[] = [];
  const byName = new Map<string, { names: string[]; help: string }>();
  for (const [name, flag] of [...Object.entries(declarations), ["help", HELP_FLAG] as const]) {
    if (typeof flag.help === "string") {
      const entry = { names: [label(name, flag)], help: flag.help };
      entries.push(entry);
      byName.set(name, entry);
      continue;
    }
    const shared = byName.get(flag.help.with);
    if (shared === undefined) {
      throw new TypeError(
        `The help of --${name} is with --${flag.help.with}, which is not declared before it.`,
      );
    }
    shared.names.push(label(name, flag));
  }
  const hanging = " ".repeat(layout.column);
  return entries.flatMap(({ names, help }) => {
    const [first, ...rest] = help.split("\n");
    const name = INDENT + names.join(", ");
    const more = rest.map((line) => hanging + line);
    if (name.length + GAP > layout.column) return [name, hanging + first, ...more];
    return [name.padEnd(layout.column) + first, ...more];
  }).join("\n");
}

/** A flag as a user types it: `-o, --output PATH`, `--no-web`, `--bell, --no-bell`. */
function label(name: string, flag: FlagDeclaration): string {
  const negatable = flag.kind === "boolean" && flag.negatable === true;
  const long = negatable && flag.default === true
    ? `--no-${name}`
    : negatable && flag.default === undefined
    ? `--${name}, --no-${name}`
    : `--${name}`;
  const typed = flag.kind === "boolean" ? long : `${long} ${flag.value}`;
  return flag.alias === undefined ? typed : `-${flag.alias}, ${typed}`;
}
