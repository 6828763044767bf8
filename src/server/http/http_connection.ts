import { hasToken } from "../../transport/mod.ts";
import { every, type Stop } from "../ticker.ts";
import type { RequestHead } from "./request_head.ts";
import { RequestReader } from "./request_reader.ts";
import { type HttpResponse, writeResponse } from "./response.ts";

/**
 * A response that hands the connection over to another protocol (a WebSocket): `response` (a
 * 101) is written, then `takeOver` owns the socket, with the bytes already read after the
 * request, and resolves once it is closed.
 */
export interface Upgrade {
  upgrade: HttpResponse;
  takeOver(conn: Deno.Conn, buffered: Uint8Array): Promise<void>;
}

/** Answers one request. */
export type HttpHandler = (
  request: RequestHead,
) => HttpResponse | Upgrade | Promise<HttpResponse | Upgrade>;

/** Settings of {@linkcode HttpConnection}. */
export interface HttpConnectionOptions {
  handler: HttpHandler;
  /**
   * A request's head must be complete this long after the server began waiting for it (after
   * the connection opened, or after the previous response): a connection idle for this long, or
   * trickling a request, is closed.
   */
  headTimeoutMs: number;
  /** The response to a request the connection itself refuses (400, 413, 431, 500, 505). */
  refusal(status: number, message: string): HttpResponse;
  /** Receives a line when the handler fails. */
  log(line: string): void;
}

/** A response write that makes no progress for this long closes the connection. */
const WRITE_STALL_MS = 10_000;
/**
 * After a last response, the socket's sending side is shut and what the client still sends is
 * read and dropped for at most this long: closed at once, a socket with unread bytes sends a
 * reset, which can make the client lose the response (a 413 to a body it is still sending).
 */
const LINGER_MS = 1000;

/**
 * Serves HTTP/1.1 requests on one connection, in order, with keep-alive: reads a head (bounded in
 * size and in time), refuses what the server never takes (a body, another HTTP version), asks
 * the handler for the response, writes it. A WebSocket upgrade hands the socket over.
 *
 * The deadlines run on the shared {@linkcode every} ticker, not a timer per connection: ten
 * thousand idle connections then cost one timer.
 *
 * @example
 * ```ts ignore
 * const http = new HttpConnection(conn, { handler, headTimeoutMs: 5000, refusal });
 * await http.done;
 * ```
 */
export class HttpConnection {
  /** Settles once the socket is closed (by whoever took it over, after an upgrade). */
  readonly done: Promise<void>;
  readonly #conn: Deno.Conn;
  readonly #options: HttpConnectionOptions;
  readonly #reader: RequestReader;
  /** When the current wait ends, in `Date.now()` time; 0 while nothing is awaited. */
  #deadline = 0;
  #stopTicker: Stop | undefined;
  #state: "waiting" | "answering" | "upgraded" | "closed" = "waiting";
  /** The server is stopping: no request after the one being answered. */
  #draining = false;

  constructor(conn: Deno.Conn, options: HttpConnectionOptions) {
    this.#conn = conn;
    this.#options = options;
    this.#reader = new RequestReader(conn);
    const period = Math.min(1000, Math.max(50, Math.round(options.headTimeoutMs / 4)));
    this.#stopTicker = every(period, (now) => {
      if (this.#deadline !== 0 && now >= this.#deadline) this.close();
    });
    this.done = this.#serve();
  }

  /** The server is stopping: an idle connection closes now, one answering after its response. */
  drain(): void {
    this.#draining = true;
    if (this.#state === "waiting") this.close();
  }

  /** Closes the socket now, whatever it is doing. */
  close(): void {
    this.#state = "closed";
    this.#deadline = 0;
    this.#stopTicker?.();
    this.#stopTicker = undefined;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  async #serve(): Promise<void> {
    try {
      while (this.#state === "waiting") {
        this.#deadline = Date.now() + this.#options.headTimeoutMs;
        let request: RequestHead | null;
        try {
          request = await this.#reader.next();
        } catch (error) {
          if (this.#state !== "waiting") return;
          const status = error instanceof RangeError ? 431 : 400;
          return await this.#answerAndClose(status, (error as Error).message);
        }
        if (request === null || this.#state !== "waiting") return;
        this.#deadline = 0;
        this.#state = "answering";
        const refused = refuseRequest(request);
        if (refused !== undefined) {
          return await this.#answerAndClose(refused.status, refused.message);
        }
        let result: HttpResponse | Upgrade;
        try {
          result = await this.#options.handler(request);
        } catch (error) {
          this.#options.log(`web request ${request.method} ${request.target} failed: ${error}`);
          return await this.#answerAndClose(500, "The server could not answer this request");
        }
        if ("takeOver" in result) return await this.#upgrade(result);
        const close = this.#draining || !keepsAlive(request);
        await this.#write(result, { head: request.method === "HEAD", close });
        if (close) return await this.#linger();
        if (this.#state !== "answering") return;
        this.#state = "waiting";
        if (this.#draining) return;
      }
    } catch {
      // A write failed or the socket was closed: nothing more to say on it.
    } finally {
      if (this.#state !== "upgraded") this.close();
    }
  }

  async #upgrade(result: Upgrade): Promise<void> {
    await this.#write(result.upgrade, {});
    if (this.#state !== "answering") return;
    this.#state = "upgraded";
    this.#stopTicker?.();
    this.#stopTicker = undefined;
    await result.takeOver(this.#conn, this.#reader.takeBuffered());
  }

  async #answerAndClose(status: number, message: string): Promise<void> {
    this.#state = "answering";
    await this.#write(this.#options.refusal(status, `${message}.`), { close: true });
    await this.#linger();
  }

  /** Writes a response under the write-stall deadline. */
  async #write(
    response: HttpResponse,
    options: { head?: boolean; close?: boolean },
  ): Promise<void> {
    const progress = () => this.#deadline = Date.now() + WRITE_STALL_MS;
    progress();
    await writeResponse(this.#conn, response, { ...options, progress });
    this.#deadline = 0;
  }

  /** Shuts the sending side and drops what the client still sends, until it closes or a second. */
  async #linger(): Promise<void> {
    if (this.#state === "closed") return;
    this.#deadline = Date.now() + LINGER_MS;
    try {
      await this.#conn.closeWrite();
      const scratch = new Uint8Array(4096);
      while (await this.#conn.read(scratch) !== null) {
        // Dropped: the response was the last word.
      }
    } catch {
      // Closed by the deadline, or reset by the client.
    }
  }
}

/** Why the connection refuses a request before any handler sees it, if it does. */
function refuseRequest(request: RequestHead): { status: number; message: string } | undefined {
  if (request.version !== "HTTP/1.1" && request.version !== "HTTP/1.0") {
    return { status: 505, message: `${request.version} is not spoken here; use HTTP/1.1` };
  }
  if (request.version === "HTTP/1.1" && !request.headers.has("host")) {
    return { status: 400, message: "A request needs a Host header" };
  }
  if (request.headers.has("transfer-encoding")) {
    return { status: 413, message: "Requests with a body are not accepted" };
  }
  const length = request.headers.get("content-length");
  if (length !== null && !/^\d+$/.test(length)) {
    return { status: 400, message: `Content-Length ${JSON.stringify(length)} is not a number` };
  }
  if (length !== null && Number(length) > 0) {
    return { status: 413, message: "Requests with a body are not accepted" };
  }
  return undefined;
}

/** Whether the connection stays open after the response (HTTP/1.0 connections never do). */
function keepsAlive(request: RequestHead): boolean {
  if (request.version !== "HTTP/1.1") return false;
  return !hasToken(request.headers.get("connection"), "close");
}
