/**
 * Transports: one message-oriented connection interface and its adapters.
 *
 * @module
 */
export * from "./connection.ts";
export * from "./tcp.ts";
export * from "./node_socket.ts";
export * from "./ws.ts";
export * from "./mdns_interfaces.ts";
export * from "./mdns_socket.ts";
