/**
 * Opening a chat connection over a WebSocket (docs/PROTOCOL.md section 8), as the web page does:
 * runtime-neutral, with nothing but the standard `WebSocket`, so it runs in a browser and, for
 * its tests, in Deno.
 *
 * @module
 */
import type { Connection } from "../transport/connection.ts";
import { BrowserWebSocketConnection } from "../transport/browser_websocket.ts";
import { ChatError } from "./chat_error.ts";

/** Settings of {@linkcode webSocketDialer}. */
export interface WebSocketDialOptions {
  /** Gives up connecting after this long. Default 10 s. */
  timeoutMs?: number;
  /** The sentence a failure to connect is told with. */
  unreachable?: string;
}

const UNREACHABLE = "Cannot reach the server. Check the address and try again.";

/**
 * What {@linkcode ChatClient.connect} calls to open each connection: a WebSocket to `url`
 * (`ws://HOST:PORT/ws`, or `wss://` under TLS). A socket that closes or fails before it opens,
 * or does not open within the timeout, rejects with a {@linkcode ChatError} `connect_failed`.
 *
 * @example
 * ```ts ignore
 * const open = webSocketDialer(`ws://${location.host}/ws`);
 * const client = await ChatClient.connect({ open, clientName: "chat-web/0.1.0", ... });
 * ```
 */
export function webSocketDialer(
  url: string,
  options: WebSocketDialOptions = {},
): () => Promise<Connection> {
  return () =>
    new Promise<Connection>((resolve, reject) => {
      const unreachable = () => new ChatError("connect_failed", options.unreachable ?? UNREACHABLE);
      let socket: WebSocket;
      try {
        socket = new WebSocket(url);
      } catch {
        return reject(unreachable());
      }
      // Made at once, so that it listens before any message can arrive.
      const connection = new BrowserWebSocketConnection(socket, new URL(url).host);
      let settled = false;
      const fail = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        connection.close();
        reject(unreachable());
      };
      const timer = setTimeout(fail, options.timeoutMs ?? 10_000);
      socket.addEventListener("open", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(connection);
      }, { once: true });
      socket.addEventListener("close", fail, { once: true });
    });
}
