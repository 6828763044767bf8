/**
 * What the three benchmarks share: starting and stopping servers, reading /proc, waiting for a
 * quiet machine, describing it, and writing bench/RESULTS.md. Test-support code that the tests
 * use too (the CLI's argv, timeouts, ports) lives in tests/support/ instead.
 *
 * @module
 */
export * from "./chat_server.ts";
export * from "./child_process.ts";
export * from "./close_quietly.ts";
export * from "./install.ts";
export * from "./irc_servers.ts";
export * from "./launch.ts";
export * from "./log.ts";
export * from "./machine.ts";
export * from "./machine_cpu.ts";
export * from "./proc_group_sampler.ts";
export * from "./proc_sampler.ts";
export * from "./_proc_stat.ts";
export * from "./quiet.ts";
export * from "./results_file.ts";
export * from "./run_main.ts";
export * from "./sleep.ts";
export * from "./stats.ts";
export * from "./_terminate.ts";
export * from "./typed_command.ts";
export * from "./wait_for_listener.ts";
