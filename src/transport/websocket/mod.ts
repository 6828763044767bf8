/**
 * The WebSocket transport (RFC 6455, server side): the opening handshake's checks and the frame
 * reader that enforces the message limits before buffering.
 *
 * @module
 */
export * from "./frame_header.ts";
export * from "./handshake.ts";
export * from "./message_reader.ts";
export * from "./unmask.ts";
