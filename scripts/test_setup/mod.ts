/**
 * What `deno task test` sets up before the tests: the Debian packages they need, the plan
 * (run, install, or refuse with a sentence) and the `deno test` command line.
 *
 * @module
 */
export * from "./deno_test_args.ts";
export * from "./install_failure.ts";
export * from "./needed_packages.ts";
export * from "./plan_setup.ts";
