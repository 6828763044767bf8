/**
 * The chat client: connection and handshake, commands, and what users see.
 *
 * @module
 */
export * from "./address.ts";
export * from "./chat_client.ts";
export * from "./chat_error.ts";
export * from "./clock.ts";
export * from "./commands.ts";
export * from "./host_commands.ts";
export * from "./message_commands.ts";
export * from "./message_book.ts";
export * from "./host_display.ts";
export * from "./display_event.ts";
export * from "./history_cursor.ts";
export * from "./render.ts";
export * from "./attention.ts";
export * from "./room_members.ts";
export * from "./nick_completion.ts";
export * from "./sanitize.ts";
export * from "./execute_input.ts";
export * from "./file_download.ts";
export * from "./file_source.ts";
export * from "./file_upload.ts";
export * from "./progress.ts";
export * from "./transfer_commands.ts";
export * from "./reconnecting_client.ts";
export * from "./known_servers.ts";
export * from "./known_devices.ts";
export * from "./config_map.ts";
export * from "./dial.ts";
export * from "./websocket_dialer.ts";
export * from "./discovered_server.ts";
export * from "./discover.ts";
export * from "./unread_tracker.ts";
export * from "./auto_away.ts";
export * from "./read_reporter.ts";
export * from "./typing_board.ts";
export * from "./failover.ts";
export * from "./emoji/mod.ts";
export * from "./markdown/mod.ts";
export * from "./render_changes.ts";
export * from "./change_display.ts";
