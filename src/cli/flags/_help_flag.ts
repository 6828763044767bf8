import type { BooleanFlag } from "./declaration.ts";

/**
 * `-h, --help`, which every command takes and lists last. It is no flag of the command's own:
 * parsing answers it before reading any value, so it never appears among the parsed flags.
 */
export const HELP_FLAG: BooleanFlag = { kind: "boolean", alias: "h", help: "this help" };
