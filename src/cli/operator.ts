/**
 * The host's side of signing in as an operator from the command line: `--operator` reads the
 * credential `chat serve` wrote into its data directory (`operator`, one line, mode 0600), on
 * the same machine, and the client gives it as `hello.operator` (PROTOCOL.md section 3.5).
 * Nothing else is needed, and nobody without read access to the data dir can use it.
 *
 * @module
 */
import { join } from "@std/path";
import { defineFlags } from "./flags/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";

/** The flags of the client commands that can sign the host in. */
export const OPERATOR_FLAGS = defineFlags({
  operator: {
    kind: "boolean",
    help: "sign in as the host, with the operator credential chat serve\n" +
      "keeps in its data dir (on the server's machine)",
  },
  "data-dir": {
    kind: "string",
    value: "DIR",
    default: "./chat-data",
    help: "the server's data dir, for --operator (default ./chat-data)",
  },
});

/**
 * The operator credential in `dataDir`, or a usage error that says what to do when it cannot
 * be read: a command line pointing at the wrong directory, or run on another machine.
 *
 * @example
 * ```ts ignore
 * const operator = await readOperatorCredential("./chat-data"); // "c2f1…"
 * ```
 */
export async function readOperatorCredential(dataDir: string): Promise<string> {
  const path = join(dataDir, "operator");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "there is no such file"
      : (error as Error).message.replace(/[.:]?\s*$/, "");
    throw new CliError(
      `Cannot read the operator credential ${path} (${why}); run this on the server's ` +
        "machine, with --data-dir set to the data dir of chat serve.",
      ExitCode.USAGE,
    );
  }
  const credential = text.trim();
  if (credential === "") {
    throw new CliError(
      `The operator credential ${path} is empty; it is not one chat serve wrote.`,
      ExitCode.USAGE,
    );
  }
  return credential;
}

/** The sentence for a server that did not take the operator credential. */
export function operatorRefused(dataDir: string): CliError {
  return new CliError(
    `The server did not accept the operator credential in ${dataDir}; is it this server's ` +
      "data dir?",
    ExitCode.BAD_PASSKEY,
  );
}
