/**
 * The connection benchmark's parts, for bench/connections.ts: servers, clients and their logins,
 * the measurement of one server, and the report.
 *
 * @module
 */
export * from "./chat_client.ts";
export * from "./delivery_counter.ts";
export * from "./irc_client.ts";
export * from "./legs.ts";
export * from "./measure.ts";
export * from "./report.ts";
export * from "./servers.ts";
export * from "./swarm.ts";
