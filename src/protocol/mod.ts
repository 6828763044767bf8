/**
 * The chat wire protocol (docs/PROTOCOL.md): frame layout, streaming decoder, message types,
 * name rules and protocol errors. Pure: no sockets, no Deno APIs.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./frame.ts";
export * from "./frame_decoder.ts";
export * from "./messages.ts";
export * from "./names.ts";
export * from "./outbound.ts";
export * from "./file_name.ts";
export * from "./fingerprint.ts";
export * from "./schema.ts";
export * from "./invite_link.ts";
export * from "./lan_service.ts";
export * from "./mentions.ts";
export * from "./quote.ts";
