import type { Hub } from "../chat/mod.ts";
import { acceptKey, hasToken, refuseHandshake, WebSocketConnection } from "../transport/mod.ts";
import {
  HttpConnection,
  type HttpResponse,
  type RequestHead,
  targetPath,
  type Upgrade,
} from "./http/mod.ts";
import { serveConnection, type ServeConnectionOptions } from "./serve_connection.ts";
import { WEB_ASSETS } from "./web_assets.ts";
import { fileDownload } from "./file_download.ts";

/** Headers of every response: the page may load only its own scripts and styles. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' blob: data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const encoder = new TextEncoder();

/** The web client's files, encoded once. */
const ASSETS = new Map(
  [...WEB_ASSETS].map(([path, asset]) => [path, { ...asset, bytes: encoder.encode(asset.body) }]),
);

/** Settings of {@linkcode serveWebConnection}. */
export interface WebServerOptions {
  hub: Hub;
  connection: ServeConnectionOptions;
  /** Whether the port speaks TLS: `https` is the scheme of the pages' own origin. */
  secure: boolean;
  /** A request's head must be complete this soon (the handshake timeout). */
  headTimeoutMs: number;
  log: (line: string) => void;
}

/**
 * Serves the web client and its WebSocket (`/ws`) on one accepted connection: the page's files,
 * and WebSocket connections that go to the same hub as TCP ones, under the same rules.
 *
 * @example
 * ```ts ignore
 * const http = serveWebConnection(conn, { hub, connection, secure: false, headTimeoutMs, log });
 * await http.done;
 * ```
 */
export function serveWebConnection(conn: Deno.Conn, options: WebServerOptions): HttpConnection {
  // Each response and WebSocket message goes out whole and at once: no Nagle delay.
  if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
  return new HttpConnection(conn, {
    handler: (request) => answer(request, options),
    headTimeoutMs: options.headTimeoutMs,
    refusal: textResponse,
    log: options.log,
  });
}

/** The answer to a connection over the connection limits, before anything is read from it. */
export function refusedResponse(reason: string): HttpResponse {
  return textResponse(503, reason);
}

function answer(
  request: RequestHead,
  options: WebServerOptions,
): HttpResponse | Promise<Upgrade | HttpResponse> {
  const path = targetPath(request.target);
  if (path === undefined) return textResponse(400, "The request target is not a path.");
  if (path === "/ws") return upgrade(request, options);
  if (path.startsWith("/files/")) {
    if (request.method !== "GET" && request.method !== "HEAD") {
      const response = textResponse(405, "Only GET and HEAD are answered here.");
      return { ...response, headers: { ...response.headers, allow: "GET, HEAD" } };
    }
    return fileDownload(request, path, options.hub, SECURITY_HEADERS);
  }
  const asset = ASSETS.get(path);
  if (asset === undefined) return textResponse(404, "Not found.");
  if (request.method !== "GET" && request.method !== "HEAD") {
    const response = textResponse(405, "Only GET and HEAD are answered here.");
    return { ...response, headers: { ...response.headers, allow: "GET, HEAD" } };
  }
  return {
    status: 200,
    headers: { ...securityHeaders(options.hub), "content-type": asset.type },
    body: asset.bytes,
  };
}

/**
 * The security headers of a page: in a cluster, its scripts may also open WebSockets to the
 * other nodes' web clients known now, where the page goes on when its own node goes away.
 */
function securityHeaders(hub: Hub): Record<string, string> {
  const nodes = hub.nodes?.() ?? [];
  const sockets: string[] = [];
  for (const node of nodes) {
    if (node.web === undefined) continue;
    try {
      const url = new URL(node.web);
      sockets.push(`${url.protocol === "https:" ? "wss" : "ws"}://${url.host}`);
    } catch {
      // Not an address: nothing to allow.
    }
  }
  if (sockets.length === 0) return SECURITY_HEADERS;
  const policy = SECURITY_HEADERS["content-security-policy"].replace(
    "connect-src 'self'",
    `connect-src 'self' ${sockets.join(" ")}`,
  );
  return { ...SECURITY_HEADERS, "content-security-policy": policy };
}

async function upgrade(
  request: RequestHead,
  options: WebServerOptions,
): Promise<Upgrade | HttpResponse> {
  if (!hasToken(request.headers.get("upgrade"), "websocket")) {
    return textResponse(426, "This address takes WebSocket connections only.");
  }
  // A page from another site must not use a visitor's browser to talk to this server.
  const origin = request.headers.get("origin");
  if (
    origin !== null && originHost(origin) !== ownHost(request, options.secure) &&
    !await options.hub.isNodeOrigin?.(origin)
  ) {
    return textResponse(403, "WebSocket connections from other sites are refused.");
  }
  const refusal = refuseHandshake(request.method, request.headers);
  if (refusal !== undefined) {
    const response = textResponse(refusal.status, refusal.message);
    return { ...response, headers: { ...response.headers, ...refusal.headers } };
  }
  const accept = await acceptKey(request.headers.get("sec-websocket-key")!);
  return {
    upgrade: {
      status: 101,
      headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-accept": accept },
    },
    async takeOver(conn, buffered) {
      const connection = new WebSocketConnection(conn, { buffered });
      try {
        await serveConnection(connection, options.hub, options.connection);
      } catch (error) {
        options.log(`connection ${connection.remote} failed: ${error}`);
      }
      connection.close();
      await connection.ended;
    },
  };
}

/** The host (and port, unless the scheme's default) an Origin names; undefined if malformed. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** The host the request was sent to, as its own pages' origin names it. */
function ownHost(request: RequestHead, secure: boolean): string | undefined {
  try {
    return new URL(`${secure ? "https" : "http"}://${request.headers.get("host")}`).host;
  } catch {
    return undefined;
  }
}

function textResponse(status: number, body: string): HttpResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
    body: encoder.encode(body),
  };
}
