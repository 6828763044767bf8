/**
 * Command-line flags declared once per command: the declaration and the type derived from it,
 * parsing, numeric values, and the options part of the help.
 *
 * @module
 */
export * from "./declaration.ts";
export * from "./flag_values.ts";
export * from "./options_help.ts";
export * from "./parse_flags.ts";
