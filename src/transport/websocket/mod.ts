/**
 * The WebSocket transport (RFC 6455, server side): the opening handshake's checks, the frame
 * reader that enforces the message limits before buffering, and the {@linkcode Connection}
 * adapter over them.
 *
 * @module
 */
export * from "./frame_header.ts";
export * from "./handshake.ts";
export * from "./message_reader.ts";
export * from "./outbound_frames.ts";
export * from "./unmask.ts";
export * from "./websocket_connection.ts";
