/**
 * Transports: one message-oriented connection interface and its adapters.
 *
 * @module
 */
export * from "./connection.ts";
export * from "./tcp.ts";
export * from "./node_socket.ts";
export * from "./websocket/mod.ts";
export * from "./byte_source.ts";
export * from "./remote.ts";
export * from "./mdns_interfaces.ts";
export * from "./mdns_socket.ts";
