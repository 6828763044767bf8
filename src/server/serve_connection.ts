import {
  decodeChunkPayload,
  errorMessage,
  FrameType,
  OutboundMessage,
  parseJsonPayload,
  ProtocolError,
  toClientMessage,
} from "../protocol/mod.ts";
import { type Hub, Session } from "../chat/mod.ts";
import type { Connection } from "../transport/mod.ts";
import { Outbox } from "./outbox.ts";
import { every } from "./ticker.ts";
import type { Pacer } from "./pacer.ts";

/** Settings of {@linkcode serveConnection}. */
export interface ServeConnectionOptions {
  /** Bound of the outbound queue, in bytes. */
  maxQueueBytes: number;
  /** Paces writes of room events while the server is busy; none: every event at once. */
  pacer?: Pacer;
  /** A connection silent this long is pinged. Default 15 s. */
  pingAfterMs?: number;
  /** A connection silent this long is closed as dead. Default 45 s. */
  closeAfterMs?: number;
  /** A connection that has not said `hello` successfully by then is closed. Default 5 s. */
  handshakeTimeoutMs?: number;
}

const PING = new OutboundMessage({ type: "ping" });

/**
 * While a request takes this long (a cluster electing a new leader holds a message for seconds),
 * the client is pinged, so that it does not take the silence for a dead server and reconnect.
 */
const BUSY_PING_MS = 3000;

/** The largest frame a connection may send before it has logged in: a hello is small. */
const HANDSHAKE_FRAME_BYTES = 64 * 1024;

/**
 * Runs one client connection to the end: decodes frames, hands messages to a
 * {@linkcode Session} one at a time, and turns every failure into an `error` frame. This is the
 * one place where domain errors become wire errors; nothing thrown here reaches other clients.
 */
export async function serveConnection(
  connection: Connection,
  hub: Hub,
  options: ServeConnectionOptions,
): Promise<void> {
  const outbox = new Outbox(connection, { maxBytes: options.maxQueueBytes, pacer: options.pacer });
  // Until the passkey is known, nobody may make the server hold a megabyte for them.
  const fullFrameBytes = connection.maxFrameBytes;
  connection.maxFrameBytes = HANDSHAKE_FRAME_BYTES;
  const session = new Session(hub, outbox, connection.remote);
  const pingAfterMs = options.pingAfterMs ?? 15_000;
  const closeAfterMs = options.closeAfterMs ?? 45_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000;
  const openedAt = Date.now();
  let lastHeard = openedAt;
  /** When the request being handled arrived, while one is; and when the client was last pinged. */
  let busySince: number | undefined;
  let pingedAt = 0;
  const stopWatchdog = every(Math.min(pingAfterMs, handshakeTimeoutMs) / 2, (now) => {
    if (!session.authenticated && now - openedAt >= handshakeTimeoutMs) {
      hub.options.log(`${connection.remote} closed: no handshake within ${handshakeTimeoutMs} ms`);
      const error = new ProtocolError(
        "not_authenticated",
        `No hello within ${handshakeTimeoutMs / 1000} s; the connection is closed.`,
        { fatal: true },
      );
      outbox.send(new OutboundMessage(errorMessage(error)));
      outbox.close();
    } else if (now - lastHeard >= closeAfterMs) {
      hub.options.log(`${session.nick || connection.remote} closed: silent for ${closeAfterMs} ms`);
      connection.close();
    } else if (now - lastHeard >= pingAfterMs && session.authenticated) {
      // Not before hello: the answer would be a first message other than hello.
      outbox.send(PING);
    } else if (
      busySince !== undefined && session.authenticated && now - busySince >= BUSY_PING_MS &&
      now - pingedAt >= BUSY_PING_MS
    ) {
      pingedAt = now;
      outbox.send(PING);
    }
  });
  try {
    for await (const frame of connection.frames()) {
      lastHeard = Date.now();
      if (frame instanceof ProtocolError) {
        outbox.send(new OutboundMessage(errorMessage(frame, { fatal: true })));
        break;
      }
      let rid: string | undefined;
      let transfer: number | undefined;
      try {
        if (frame.type === FrameType.JSON) {
          const object = parseJsonPayload(frame.payload);
          if (typeof object.rid === "string") rid = object.rid;
          busySince = lastHeard;
          try {
            await session.handle(toClientMessage(object));
          } finally {
            busySince = undefined;
          }
          if (session.authenticated) connection.maxFrameBytes = fullFrameBytes;
        } else if (frame.type === FrameType.CHUNK) {
          let chunk: { transfer: number; data: Uint8Array };
          try {
            chunk = decodeChunkPayload(frame.payload);
          } catch (error) {
            throw new ProtocolError("bad_frame", (error as Error).message);
          }
          transfer = chunk.transfer;
          await session.chunk(chunk.transfer, chunk.data);
        } else {
          throw new ProtocolError(
            "unknown_frame_type",
            `Frame type 0x${frame.type.toString(16).padStart(2, "0")} is unknown.`,
          );
        }
      } catch (error) {
        const protocolError = error instanceof ProtocolError ? error : internalError(hub, error);
        // Before the handshake there is no conversation worth keeping open.
        const fatal = protocolError.fatal || !session.authenticated;
        outbox.send(new OutboundMessage(errorMessage(protocolError, { rid, transfer, fatal })));
        if (fatal) break;
      }
      if (outbox.closed) break;
    }
  } finally {
    stopWatchdog();
    outbox.close();
    await session.disconnect().catch((error) => internalError(hub, error));
    if (outbox.overflowed) {
      hub.options.log(`${session.nick || connection.remote} dropped: too slow`);
    }
  }
  await outbox.done;
}

function internalError(hub: Hub, error: unknown): ProtocolError {
  hub.options.log(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  return new ProtocolError("internal", "The server could not handle this request.");
}
