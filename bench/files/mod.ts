/**
 * The file-transfer benchmark's parts, for bench/file_transfer.ts: timed CLI runs and the
 * retries around them, the browser legs through Chromium's page, the socat reference, chat
 * latency meanwhile, and the report.
 *
 * @module
 */
export * from "./browser_download.ts";
export * from "./browser_legs.ts";
export * from "./browser_page.ts";
export * from "./browser_report.ts";
export * from "./browser_upload.ts";
export * from "./chromium_processes.ts";
export * from "./js_heap_sampler.ts";
export * from "./latency_probe.ts";
export * from "./least_disturbed.ts";
export * from "./parse_size.ts";
export * from "./server_copy.ts";
export * from "./report.ts";
export * from "./socat.ts";
export * from "./socat_reference.ts";
export * from "./timed_cli.ts";
export * from "./timed_transfer.ts";
export * from "./warm_memory.ts";
export * from "./when_exists.ts";
export * from "./when_new_entry.ts";
