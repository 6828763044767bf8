/**
 * The file-transfer benchmark's parts, for bench/file_transfer.ts: timed CLI runs and the
 * retries around them, the socat reference, chat latency meanwhile, and the report.
 *
 * @module
 */
export * from "./latency_probe.ts";
export * from "./least_disturbed.ts";
export * from "./parse_size.ts";
export * from "./report.ts";
export * from "./socat.ts";
export * from "./socat_reference.ts";
export * from "./timed_cli.ts";
export * from "./warm_memory.ts";
export * from "./when_exists.ts";
