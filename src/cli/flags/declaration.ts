/**
 * How a command declares its flags, and the type of what parsing them gives. One object per
 * command says each flag's name, kind, default, short alias, whether `--no-NAME` turns it off,
 * and its help; the parseArgs call, unknown-flag errors, the options part of `--help` and the
 * TypeScript type of the parsed flags all come from it, so they cannot disagree. Option groups
 * that several commands share (such as the client TLS options) are declarations of their own,
 * spread into each command's.
 *
 * The type is derived from the declaration's literal types, which {@linkcode defineFlags}
 * keeps: a misspelt flag is a compile error, and each flag has the type its kind and default
 * give, with no `typeof` checks at the point of use.
 *
 * @module
 */

/**
 * The help of a flag: its lines, separated by `\n` and laid out under one another; or
 * `{ with: NAME }` to be listed beside the flag NAME declared before it and share its lines, as
 * in `--rate N, --burst N`.
 */
export type FlagHelp = string | { readonly with: string };

/** What every kind of flag may say. */
interface FlagCommon {
  /** A one-letter name: `"o"` lets `-o PATH` stand for `--output PATH`. */
  readonly alias?: string;
  /** Its lines in the command's `--help`. */
  readonly help: FlagHelp;
}

/**
 * A flag without a value, `--json`; parsed as a boolean, `false` unless given. A negatable flag
 * without a default has three states: `--NAME` (true), `--no-NAME` (false), and neither
 * (`undefined`), for a command that decides then, as `chat join` rings the bell on a terminal.
 */
export interface BooleanFlag extends FlagCommon {
  readonly kind: "boolean";
  readonly default?: boolean;
  /**
   * `--no-NAME` turns it off; the help shows that form when the default is `true`, and both
   * forms when there is no default.
   */
  readonly negatable?: boolean;
}

/** A flag with a value kept as written, `--nick NAME`. */
export interface StringFlag extends FlagCommon {
  readonly kind: "string";
  /** How the help names the value: the `NAME` of `--nick NAME`. */
  readonly value: string;
  readonly default?: string;
}

/** A whole number within `min`..`max`, `--port PORT`; anything else is a usage error. */
export interface IntegerFlag extends FlagCommon {
  readonly kind: "integer";
  /** How the help names the value: the `PORT` of `--port PORT`. */
  readonly value: string;
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

/** A number of bytes written as `500M` or `4G`, `--max-file-size SIZE`. */
export interface SizeFlag extends FlagCommon {
  readonly kind: "size";
  /** How the help names the value: the `SIZE` of `--max-file-size SIZE`. */
  readonly value: string;
  /** As a user would write it, such as `"4G"`. */
  readonly default?: string;
}

/** A length of time written as `90s`, `2h` or `1h30m`, `--invite-ttl TIME`; parsed as ms. */
export interface DurationFlag extends FlagCommon {
  readonly kind: "duration";
  /** How the help names the value: the `TIME` of `--invite-ttl TIME`. */
  readonly value: string;
  /** As a user would write it, such as `"24h"`. */
  readonly default?: string;
}

/** One flag of a command. */
export type FlagDeclaration = BooleanFlag | StringFlag | IntegerFlag | SizeFlag | DurationFlag;

/** A command's flags by their long name, in the order its `--help` lists them. */
export type FlagDeclarations = Readonly<Record<string, FlagDeclaration>>;

/**
 * The parsed value of a flag: a boolean for a boolean flag, a number for an integer, size or
 * duration flag (milliseconds), else a string; `undefined` too when the flag has no default and
 * was not given (for a boolean flag, only a negatable one).
 */
export type FlagValue<Flag extends FlagDeclaration> = Flag extends BooleanFlag ?
    | boolean
    | (Flag extends { readonly negatable: true; readonly default?: undefined } ? undefined
      : never)
  :
    | (Flag extends IntegerFlag | SizeFlag | DurationFlag ? number : string)
    | (Flag extends { readonly default: unknown } ? never : undefined);

/**
 * The parsed flags of a declaration, by name.
 *
 * @example
 * ```ts
 * import { defineFlags, type Flags } from "./declaration.ts";
 * const flags = defineFlags({
 *   port: { kind: "integer", value: "PORT", min: 0, max: 65535, default: 7777, help: "TCP port" },
 *   nick: { kind: "string", value: "NAME", help: "your nick" },
 * });
 * type Parsed = Flags<typeof flags>; // { readonly port: number; readonly nick: string | undefined }
 * ```
 */
export type Flags<Declarations extends FlagDeclarations> = {
  readonly [Name in keyof Declarations]: FlagValue<Declarations[Name]>;
};

/** The properties a flag of its kind may have. */
type PropertiesOf<Flag> = Flag extends { readonly kind: "boolean" } ? keyof BooleanFlag
  : Flag extends { readonly kind: "string" } ? keyof StringFlag
  : Flag extends { readonly kind: "integer" } ? keyof IntegerFlag
  : Flag extends { readonly kind: "duration" } ? keyof DurationFlag
  : keyof SizeFlag;

/**
 * What the compiler checks of declarations beyond their shape: no flag has a property its kind
 * does not know (a type parameter escapes TypeScript's check of excess properties, so without
 * this `defualt: 5` or a `negatable` string flag would compile and be ignored), and help shared
 * `{ with: NAME }` names another flag of the same declaration.
 */
type WellFormed<Declarations> = {
  readonly [Name in keyof Declarations]:
    & {
      readonly [Property in Exclude<keyof Declarations[Name], PropertiesOf<Declarations[Name]>>]:
        never;
    }
    & (Declarations[Name] extends { readonly help: { readonly with: unknown } }
      ? { readonly help: { readonly with: Exclude<keyof Declarations, Name> } }
      : unknown);
};

/**
 * Returns `declarations` as they are, keeping their literal types (kinds, defaults) so that
 * {@linkcode Flags} can derive the parsed type from them, and refusing at compile time a
 * property a flag's kind does not have or help shared with a flag that is not declared.
 *
 * @example
 * ```ts
 * import { defineFlags } from "./declaration.ts";
 * export const TLS_FLAGS = defineFlags({
 *   tls: { kind: "boolean", help: "connect with TLS" },
 *   fingerprint: { kind: "string", value: "FP", help: "the certificate's fingerprint" },
 * });
 * ```
 */
export function defineFlags<const Declarations extends FlagDeclarations>(
  declarations: Declarations & WellFormed<Declarations>,
): Declarations {
  return declarations;
}
