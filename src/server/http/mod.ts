/**
 * A small HTTP/1.1 server for the web client: request heads read with bounds on size and time,
 * responses written from bytes or streamed, keep-alive, and the hand-over of a connection to a
 * WebSocket.
 *
 * @module
 */
export * from "./http_connection.ts";
export * from "./request_head.ts";
export * from "./request_reader.ts";
export * from "./response.ts";
export * from "./range.ts";
