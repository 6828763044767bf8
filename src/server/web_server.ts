import type { Hub } from "../chat/mod.ts";
import { WebSocketConnection } from "../transport/mod.ts";
import type { ConnectionLimits } from "./connection_limits.ts";
import { serveConnection, type ServeConnectionOptions } from "./serve_connection.ts";
import { WEB_ASSETS } from "./web_assets.ts";

/** Headers of every response: the page may load only its own scripts and styles. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** Settings of {@linkcode startWebServer}. */
export interface WebServerOptions {
  hostname: string;
  port: number;
  hub: Hub;
  limits: ConnectionLimits;
  connection: ServeConnectionOptions;
  tls?: { cert: string; key: string };
  log: (line: string) => void;
  /** Called with each WebSocket connection, to be closed on shutdown. */
  track: (connection: WebSocketConnection, task: Promise<void>) => void;
}

/**
 * Serves the web client and its WebSocket (`/ws`) with `Deno.serve`. WebSocket connections go
 * to the same hub as TCP ones, under the same limits.
 */
export function startWebServer(options: WebServerOptions): Deno.HttpServer<Deno.NetAddr> {
  const { hub, limits, log } = options;
  return Deno.serve({
    hostname: options.hostname,
    port: options.port,
    cert: options.tls?.cert,
    key: options.tls?.key,
    onListen: () => {},
    onError: (error) => {
      log(`web request failed: ${error}`);
      return new Response("Internal error", { status: 500, headers: SECURITY_HEADERS });
    },
  }, (request, info) => {
    const url = new URL(request.url);
    if (url.pathname === "/ws") {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return text(426, "This address takes WebSocket connections only.");
      }
      // A page from another site must not use a visitor's browser to talk to this server.
      const origin = request.headers.get("origin");
      if (origin !== null && new URL(origin).host !== url.host) {
        return text(403, "WebSocket connections from other sites are refused.");
      }
      const address = info.remoteAddr.hostname;
      const refusal = limits.admit(address);
      if (refusal !== undefined) return text(503, refusal);
      // Read before the upgrade: the request's details are gone after it.
      const remote = address.includes(":")
        ? `[${address}]:${info.remoteAddr.port}`
        : `${address}:${info.remoteAddr.port}`;
      const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: 0 });
      const connection = new WebSocketConnection(socket, remote);
      const task = serveConnection(connection, hub, options.connection)
        .catch((error) => log(`connection ${remote} failed: ${error}`))
        .finally(() => limits.release(address));
      options.track(connection, task);
      return response;
    }
    const readable = request.method === "GET" || request.method === "HEAD";
    const asset = readable ? WEB_ASSETS.get(url.pathname) : undefined;
    if (asset === undefined) return text(404, "Not found.");
    return new Response(asset.body, {
      headers: { ...SECURITY_HEADERS, "content-type": asset.type },
    });
  });
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}
