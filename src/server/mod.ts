/**
 * The chat server: wires the TCP transport, the hub and the stores together.
 *
 * @module
 */
export * from "./lan_addresses.ts";
export * from "./passkey_file.ts";
export * from "./start_server.ts";
export * from "./tls_certificate.ts";
export * from "./announce.ts";
export * from "./operator_file.ts";
export * from "./wipe_data_dir.ts";
