import { format as formatBytes } from "@std/fmt/bytes";
import {
  allocateChunkData,
  CHUNK_BYTES,
  type ClientMessage,
  MAX_HISTORY_PAGE,
  nickKey,
  normalizeRoom,
  OutboundChunk,
  OutboundMessage,
  ProtocolError,
  sanitizeFileName,
  type ServerMessage,
} from "../protocol/mod.ts";
import type { StoredEvent } from "./history_store.ts";
import { BlobBusyError, ChecksumError, StorageError, type UploadSink } from "./blob_store.ts";
import type { Hub, Member } from "./hub.ts";
import type { Peer } from "./peer.ts";
import { sha256Hex } from "./_random.ts";

const SHA256_HEX = /^[0-9a-f]{64}$/;

interface Upload {
  sink: UploadSink;
  name: string;
  size: number | undefined;
  /** The SHA-256 announced by `upload`, which `upload_end` must repeat. */
  sha256: string | undefined;
  room: string;
  /** The one person it is shared with, for a private file. */
  to: string | undefined;
  resumable: boolean;
}

type Request<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

/** A member as file transfers see it: files are confined to the rooms it has joined. */
export interface FileUser extends Member {
  /** Every room this connection has been in (for a files-only connection: its hello's room). */
  readonly joinedRooms: ReadonlySet<string>;
  /** The person: the owner of the connection's device. */
  readonly owner: string;
}

/** The abort reason of a download the client cancelled (not one whose connection ended). */
const CANCELLED = "cancelled";

/**
 * One session's file transfers: uploads arrive as `CHUNK` frames and are hashed and stored
 * as they come; downloads are read from the blob store a chunk at a time and sent only as fast
 * as the connection drains, so neither side ever holds a whole file in memory.
 */
export class Transfers {
  readonly #hub: Hub;
  readonly #peer: Peer;
  readonly #member: FileUser;
  readonly #uploads = new Map<number, Upload>();
  readonly #downloads = new Map<number, AbortController>();
  /** Uploads that failed, and why: later chunks are ignored; `upload_end` repeats the reason. */
  readonly #failed = new Map<number, ProtocolError>();
  #nextTransfer = 1;

  constructor(hub: Hub, peer: Peer, member: FileUser) {
    this.#hub = hub;
    this.#peer = peer;
    this.#member = member;
  }

  /** `upload`: opens (or resumes) an upload and answers `upload_ready`. */
  async upload(request: Request<"upload">): Promise<void> {
    const { size, sha256 } = request;
    const limit = this.#hub.options.maxFileBytes;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
      throw new ProtocolError("bad_request", `File size ${size} is not a whole number of bytes.`);
    }
    if (size !== undefined && size > limit) throw tooLarge(size, limit);
    if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
      throw new ProtocolError("bad_request", 'Field "sha256" must be 64 lowercase hex digits.');
    }
    await this.#hub.moderation.checkPost(this.#member, {
      kind: request.to === undefined ? "file" : "private file",
      room: this.#member.room,
    });
    let to: string | undefined;
    if (request.to !== undefined) {
      to = await this.#hub.recipientOf(request.to);
      if (to === undefined) {
        throw new ProtocolError(
          "no_such_user",
          `Nobody called ${request.to} has ever been here; the file was not sent.`,
        );
      }
      // Only the two people may fetch a private file, told apart by nick: a files-only
      // connection that borrowed a free nick makes it its own here, or anyone else could borrow
      // it in turn and be taken for the sender.
      const { nick, owner } = this.#member;
      const claim = await this.#hub.nickOwnership(nick, owner, { claim: true });
      if (claim?.owner !== owner) {
        throw new ProtocolError(
          "nick_owned",
          `The nick ${nick} belongs to someone else; the file was not sent.`,
        );
      }
    }
    const key = await this.#resumeKey(request);
    const resumable = key !== undefined;
    let sink: UploadSink;
    try {
      sink = await this.#hub.blobs.openUpload(key, { expectedBytes: size });
    } catch (error) {
      if (error instanceof BlobBusyError) {
        throw new ProtocolError(
          "upload_busy",
          "The same file is being uploaded on another connection; try again when it is done.",
        );
      }
      throw storageFailed(error);
    }
    const transfer = this.#nextTransfer++;
    this.#uploads.set(transfer, {
      sink,
      name: sanitizeFileName(request.name),
      size,
      sha256,
      room: this.#member.room || "lobby",
      to,
      resumable,
    });
    this.#reply({ type: "upload_ready", rid: request.rid, transfer, offset: sink.offset });
  }

  /**
   * The key under which an interrupted upload is kept for a retry: the file's SHA-256 and size
   * when the client knows them up front, or a key of the client's own choosing (a browser that
   * would have to read a whole file to hash it first) with the size, kept apart per person so
   * that nobody else can add to it. `undefined`: the upload cannot be resumed.
   */
  async #resumeKey(request: Request<"upload">): Promise<string | undefined> {
    const { size, sha256 } = request;
    if (size === undefined) return undefined;
    if (sha256 !== undefined) return `${sha256}-${size}`;
    if (request.resume_key === undefined) return undefined;
    if (!/^[0-9a-z-]{8,64}$/.test(request.resume_key)) {
      throw new ProtocolError(
        "bad_request",
        'Field "resume_key" must be 8 to 64 lowercase letters, digits or "-".',
      );
    }
    const scoped = await sha256Hex(`${this.#member.owner}\n${request.resume_key}`);
    return `k${scoped.slice(0, 40)}-${size}`;
  }

  /** A `CHUNK` frame of an upload. */
  async chunk(transfer: number, data: Uint8Array): Promise<void> {
    const upload = this.#uploads.get(transfer);
    if (upload === undefined) {
      if (this.#failed.has(transfer)) return;
      throw new ProtocolError("bad_transfer", `No upload with transfer id ${transfer} is open.`);
    }
    const limit = Math.min(upload.size ?? Infinity, this.#hub.options.maxFileBytes);
    if (upload.sink.size + data.byteLength > limit) {
      throw await this.#abandon(
        transfer,
        upload,
        upload.size !== undefined && upload.size < this.#hub.options.maxFileBytes
          ? new ProtocolError(
            "bad_request",
            `The upload is longer than the ${upload.size} bytes announced; it was discarded.`,
          )
          : tooLarge(upload.sink.size + data.byteLength, this.#hub.options.maxFileBytes),
      );
    }
    try {
      await upload.sink.write(data);
    } catch (error) {
      throw await this.#abandon(transfer, upload, storageFailed(error));
    }
  }

  /** `upload_end`: verifies the upload, stores it and announces it to the room. */
  async uploadEnd(request: Request<"upload_end">): Promise<void> {
    const upload = this.#uploads.get(request.transfer);
    if (upload === undefined) {
      throw this.#failed.get(request.transfer) ??
        new ProtocolError(
          "bad_transfer",
          `No upload with transfer id ${request.transfer} is open.`,
        );
    }
    this.#uploads.delete(request.transfer);
    const { sink } = upload;
    if (upload.size !== undefined && sink.size !== upload.size) {
      await sink.discard().catch(() => {});
      throw new ProtocolError(
        "checksum_mismatch",
        `The upload ended after ${sink.size} of the ${upload.size} bytes announced; it was discarded.`,
      );
    }
    if (upload.sha256 !== undefined && request.sha256 !== upload.sha256) {
      await sink.discard().catch(() => {});
      throw new ProtocolError(
        "checksum_mismatch",
        "The upload_end names another SHA-256 than the upload announced; it was discarded.",
      );
    }
    let blob: string;
    try {
      blob = await sink.commit(request.sha256);
    } catch (error) {
      if (error instanceof ChecksumError) {
        throw new ProtocolError("checksum_mismatch", `${error.message} The upload was discarded.`);
      }
      await sink.discard().catch(() => {});
      throw storageFailed(error);
    }
    const nick = this.#member.nick;
    const file = { name: upload.name, size: sink.size, sha256: request.sha256, blob };
    const { event } = await this.#hub.publish({
      type: "file",
      room: upload.room,
      from: nick,
      text: `${nick} shared ${upload.name} (${formatBytes(sink.size)})`,
      file,
      ...(upload.to === undefined ? {} : { to: upload.to }),
    }, this.#member);
    this.#hub.options.log(`${nick} shared file ${event.id}: ${upload.name} (${sink.size} bytes)`);
    const { blob: _blob, ...info } = file;
    this.#reply({
      type: "upload_done",
      rid: request.rid,
      transfer: request.transfer,
      id: event.id,
      file: info,
    });
  }

  /** `upload_cancel`: drops an upload, keeping nothing. */
  async uploadCancel(transfer: number): Promise<void> {
    const upload = this.#uploads.get(transfer);
    if (upload === undefined) return;
    // Chunks already on their way are ignored, as after a failure; a late upload_end is refused.
    await this.#abandon(
      transfer,
      upload,
      new ProtocolError("bad_transfer", `The upload with transfer id ${transfer} was cancelled.`),
    );
  }

  /** `download`: answers `download_ready`, then streams the file in the background. */
  async download(request: Request<"download">): Promise<void> {
    const event = await this.#fileEvent(request.id);
    const file = event.file!;
    const offset = request.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > file.size) {
      throw new ProtocolError(
        "bad_request",
        `Offset ${offset} is outside file ${request.id}, which has ${file.size} bytes.`,
      );
    }
    const transfer = this.#nextTransfer++;
    const abort = new AbortController();
    this.#downloads.set(transfer, abort);
    const { blob: _blob, ...info } = file;
    this.#reply({
      type: "download_ready",
      rid: request.rid,
      transfer,
      id: event.id,
      file: info,
      offset,
    });
    this.#pump(transfer, file.blob, offset, abort.signal).finally(() =>
      this.#downloads.delete(transfer)
    );
  }

  /** `download_cancel`: stops sending a download. */
  downloadCancel(transfer: number): void {
    this.#downloads.get(transfer)?.abort(CANCELLED);
  }

  /**
   * `download_link`: a path on the web port that streams file `id` over HTTP (with `Range`), for
   * a browser's own download manager; only for a file this connection may download.
   */
  async downloadLink(request: Request<"download_link">): Promise<void> {
    const event = await this.#fileEvent(request.id);
    const { token, expires } = await this.#hub.downloadToken(event.id, this.#member.owner);
    this.#reply({
      type: "download_link_created",
      rid: request.rid,
      id: event.id,
      path: `/files/${token}/${encodeURIComponent(event.file!.name)}`,
      expires: new Date(expires).toISOString(),
    });
  }

  /** `files`: the newest files shared in one room, or in every room this user has joined. */
  async list(request: Request<"files">): Promise<void> {
    const limit = request.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw new ProtocolError("bad_request", `Limit ${limit} is outside 1 to ${MAX_HISTORY_PAGE}.`);
    }
    if (request.with !== undefined) {
      const since = await this.#ownedSince();
      const events = since === undefined ? [] : (await this.#hub.history.conversation(
        this.#member.nick,
        request.with,
        { after: since, limit: MAX_HISTORY_PAGE },
      )).filter((event) => event.file !== undefined).slice(-limit);
      return this.#reply({ type: "file_list", rid: request.rid, files: events.map(listing) });
    }
    let rooms = [...this.#member.joinedRooms];
    if (request.room !== undefined) {
      const normalized = normalizeRoom(request.room);
      if (normalized.problem !== undefined) {
        throw new ProtocolError("room_invalid", normalized.problem);
      }
      if (!this.#member.joinedRooms.has(normalized.room)) {
        throw new ProtocolError(
          "bad_request",
          `You have not joined ${normalized.room}; only files of rooms you joined are listed.`,
        );
      }
      rooms = [normalized.room];
    }
    const perRoom = await Promise.all(
      rooms.map((room) => this.#hub.history.files({ room, limit })),
    );
    const events = perRoom.flat().sort((a, b) => a.id - b.id).slice(-limit);
    this.#reply({ type: "file_list", rid: request.rid, files: events.map(listing) });
  }

  /** The connection ended: resumable uploads are kept for a retry, the rest dropped. */
  async close(): Promise<void> {
    for (const abort of this.#downloads.values()) abort.abort();
    const uploads = [...this.#uploads.values()];
    this.#uploads.clear();
    await Promise.allSettled(
      uploads.map((upload) => upload.resumable ? upload.sink.suspend() : upload.sink.discard()),
    );
  }

  async #fileEvent(id: number): Promise<StoredEvent> {
    const event = Number.isSafeInteger(id) ? await this.#hub.history.file(id) : undefined;
    // A file of a room this user never joined, or shared privately between two others, is as
    // absent as one that does not exist.
    if (event?.file === undefined || !await this.#maySee(event)) {
      throw new ProtocolError(
        "no_such_file",
        `There is no file ${id} in the rooms you have joined; /files lists them.`,
      );
    }
    return event;
  }

  /**
   * Whether this member may list and download the file of `event`: a private one only as one
   * of its two people, who owns the nick since before it was shared (after the host frees a
   * nick, its next owner gets none of the files of the one before, as none of the messages).
   */
  async #maySee(event: StoredEvent): Promise<boolean> {
    if (event.to === undefined) return this.#member.joinedRooms.has(event.room);
    const self = nickKey(this.#member.nick);
    if (nickKey(event.to) !== self && nickKey(event.from) !== self) return false;
    const since = await this.#ownedSince();
    return since !== undefined && event.id > since;
  }

  /**
   * Since when (the newest event id then) this member's person owns its nick; `undefined` when
   * they do not own it (a files-only connection's borrowed nick).
   */
  async #ownedSince(): Promise<number | undefined> {
    const { nick, owner } = this.#member;
    const claim = await this.#hub.nickOwnership(nick, owner, { claim: false });
    return claim?.owner === owner ? claim.since : undefined;
  }

  /**
   * Sends the blob a chunk at a time, each read straight into its frame's buffer. The next chunk
   * is read while the last is written, and queued only once it is: the connection never has to
   * gather chunks into one write, and at most two chunks are in memory. Their two buffers take
   * turns: a chunk's buffer is read into again only once the peer has written it out (a peer
   * that never waits to drain, as in tests, may keep what it was sent: it gets new buffers).
   */
  async #pump(transfer: number, blob: string, offset: number, signal: AbortSignal): Promise<void> {
    const written: Uint8Array[] = [];
    const chunks = this.#hub.blobs.read(blob, {
      offset,
      chunkBytes: CHUNK_BYTES,
      allocate: (bytes) => {
        const spare = written.pop();
        return spare === undefined ? allocateChunkData(bytes) : spare.subarray(0, bytes);
      },
    })[Symbol.asyncIterator]();
    let next = chunks.next();
    try {
      for (;;) {
        const { done, value } = await next;
        if (done || signal.aborted) break;
        next = chunks.next();
        this.#peer.send(new OutboundChunk(transfer, value));
        if (this.#peer.queuedBytes > 0) {
          await this.#peer.drained();
          // A full chunk's buffer, which every later chunk fits in.
          if (value.byteLength === CHUNK_BYTES) written.push(value);
        }
      }
      // download_end is always a transfer's last frame: after a cancel too, so that the client
      // knows that no stray chunk of it can follow.
      if (!signal.aborted) this.#reply({ type: "download_end", transfer });
      else if (signal.reason === CANCELLED) {
        this.#reply({ type: "download_end", transfer, cancelled: true });
      }
    } catch (error) {
      this.#hub.options.log(`download of transfer ${transfer} failed: ${error}`);
      this.#reply({ type: "download_end", transfer, error: storageFailed(error).message });
    } finally {
      // Closes the blob when the download stops early, once a read ahead in flight has ended.
      next.catch(() => {});
      chunks.return?.().catch(() => {});
    }
  }

  /** Drops a failed upload, remembers why, and returns the reason to report. */
  async #abandon(transfer: number, upload: Upload, reason: ProtocolError): Promise<ProtocolError> {
    this.#uploads.delete(transfer);
    this.#failed.set(transfer, reason);
    await upload.sink.discard().catch(() => {});
    return reason;
  }

  #reply(message: ServerMessage): void {
    this.#peer.send(new OutboundMessage(message));
  }
}

function tooLarge(size: number, limit: number): ProtocolError {
  // Rounded, a size just over the limit reads the same as the limit: then say the exact bytes.
  const [shown, allowed] = formatBytes(size) === formatBytes(limit)
    ? [`${size} bytes`, `${limit} bytes`]
    : [formatBytes(size), formatBytes(limit)];
  return new ProtocolError(
    "file_too_large",
    `The file is ${shown}; this server accepts files up to ${allowed}.`,
  );
}

function storageFailed(error: unknown): ProtocolError {
  const message = error instanceof StorageError
    ? error.message
    : `The server could not store or read the file: ${
      error instanceof Error ? error.message : error
    }.`;
  return new ProtocolError("storage_failed", message);
}

/** A row of a `file_list`. */
function listing(event: StoredEvent) {
  return {
    id: event.id,
    ts: new Date(event.ts).toISOString(),
    room: event.room,
    from: event.from,
    name: event.file!.name,
    size: event.file!.size,
    sha256: event.file!.sha256,
    ...(event.to === undefined ? {} : { to: event.to }),
  };
}
