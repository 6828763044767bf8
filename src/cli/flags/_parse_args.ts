/**
 * A typed door to `parseArgs` of @std/cli. The npm package it comes from ships JavaScript only,
 * so the import is untyped; this file states the part of its interface the CLI relies on, and
 * nothing else in the CLI touches the untyped function.
 *
 * @module
 */
import { parseArgs as untypedParseArgs } from "@std/cli/parse-args";

/** The options of @std/cli's `parseArgs` that the CLI uses. */
export interface ParseArgsOptions {
  /** Flags whose value is always a string. */
  string: string[];
  /** Flags without a value. */
  boolean: string[];
  /**
   * Values of flags not given. `undefined` keeps a boolean flag that is not given undefined;
   * without an entry, parseArgs makes it `false`.
   */
  default: Record<string, string | boolean | undefined>;
  /** Short names, such as `{ h: "help" }`. */
  alias: Record<string, string>;
  /** Boolean flags that `--no-NAME` turns off. */
  negatable: string[];
  /** Called with every word that is no declared flag; `false` drops it. */
  unknown: (arg: string) => boolean;
}

/** What `parseArgs` returns: the flags by name, and in `_` the words that are not flags. */
export type ParseArgsResult = { _: (string | number)[]; [name: string]: unknown };

/**
 * @std/cli's `parseArgs`, typed for the options the CLI gives it.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./_parse_args.ts";
 * parseArgs(["--room", "lab", "a"], {
 *   string: ["room"],
 *   boolean: [],
 *   default: {},
 *   alias: {},
 *   negatable: [],
 *   unknown: () => true,
 * }); // { _: ["a"], room: "lab" }
 * ```
 */
export const parseArgs: (args: string[], options: ParseArgsOptions) => ParseArgsResult =
  untypedParseArgs;
