/**
 * The fan-out benchmark's parts, for bench/fanout.ts: protocol adapters, the workload runner,
 * the servers, the CPU profile and the report.
 *
 * @module
 */
export * from "./adapter.ts";
export * from "./chat_adapter.ts";
export * from "./chat_frames.ts";
export * from "./delivery_sink.ts";
export * from "./error_log.ts";
export * from "./format.ts";
export * from "./irc_adapter.ts";
export * from "./phase_tracker.ts";
export * from "./profile.ts";
export * from "./report.ts";
export * from "./run.ts";
export * from "./servers.ts";
export * from "./socket.ts";
export * from "./summary.ts";
