import { dirname, fromFileUrl } from "@std/path";
import { runCli } from "./src/cli/mod.ts";

// `deno task` runs commands from the project folder and says in INIT_CWD where the user was;
// paths on the command line (files to send, where to save) are meant from there. A server
// allowed to read only its data dir may not enter INIT_CWD, and needs not: its paths are given.
const initCwd = Deno.env.get("INIT_CWD");
if (initCwd && import.meta.url.startsWith("file:")) {
  try {
    if (Deno.cwd() === dirname(fromFileUrl(import.meta.url))) Deno.chdir(initCwd);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
  }
}

Deno.exit(await runCli(Deno.args));
