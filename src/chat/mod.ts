/**
 * The chat domain: hub, sessions and passkeys. Knows nothing about sockets or Deno APIs.
 *
 * @module
 */
export * from "./hub.ts";
export * from "./passkey.ts";
export * from "./peer.ts";
export * from "./session.ts";
export * from "./room_feed.ts";
export * from "./abuse_guard.ts";
export * from "./admission.ts";
export * from "./blob_store.ts";
export * from "./event_log.ts";
export * from "./registry.ts";
export * from "./history_store.ts";
export * from "./identity_store.ts";
export * from "./session_store.ts";
export * from "./read_marker_store.ts";
export * from "./moderation_store.ts";
export * from "./retention.ts";
export * from "./signal_bus.ts";
