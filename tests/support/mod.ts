/**
 * Test support that the benchmarks in bench/ use too: how to run the CLI from source, a free
 * port, a labelled timeout, whole writes and random files. It lives under tests/ because the
 * tests were its first users and nothing that ships may import it; bench/ imports it, and
 * nothing here imports bench/ (or tests/e2e/), so there is one copy and no cycle.
 *
 * @module
 */
export * from "./cli_command.ts";
export * from "./random_file.ts";
export * from "./unused_port.ts";
export * from "./with_timeout.ts";
export * from "./write_all.ts";
export * from "./database_bytes.ts";
