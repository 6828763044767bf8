import {
  type ByeReason,
  type ClientMessage,
  MAX_HISTORY_PAGE,
  nickProblem,
  normalizeRoom,
  OutboundMessage,
  PROTOCOL_VERSION,
  ProtocolError,
  type ServerMessage,
} from "../protocol/mod.ts";
import { type Hub, type Member, toWireEvent } from "./hub.ts";
import type { LoginSession } from "./session_store.ts";
import type { StoredEvent } from "./history_store.ts";
import type { Peer } from "./peer.ts";
import { Transfers } from "./transfers.ts";
import { RoomFeed } from "./room_feed.ts";
import { type ChangeAuthor, MessageChanges } from "./message_changes.ts";
import { isOperatorRequest } from "./moderation.ts";
import { TokenBucket } from "../util/mod.ts";

const encoder = new TextEncoder();

/** Requests that make sense only for a user who is in a room. */
const PRESENCE_ONLY = new Set<ClientMessage["type"]>([
  "send",
  "private",
  "join",
  "nick",
  "history",
  "read",
  "unread",
  "mentions",
  "typing",
  "away",
  "back",
]);

/** The fewest milliseconds between two `typing` signals of one connection that are relayed. */
export const TYPING_INTERVAL_MS = 3000;

/**
 * One client's conversation with the hub: the handshake, then its requests. It is driven one
 * message at a time by the session adapter, which turns the {@linkcode ProtocolError}s thrown
 * here into `error` frames.
 *
 * @example
 * ```ts ignore
 * const session = new Session(hub, peer, "127.0.0.1:50000");
 * await session.handle({ type: "hello", v: 1, nick: "alice", passkey, room: "lobby" });
 * ```
 */
export class Session implements Member, ChangeAuthor {
  readonly id: string;
  nick = "";
  room = "";
  readonly remote: string;
  /** Whether it may use the host controls: signed in as host, or its nick is an operator. */
  operator = false;
  /** Signed in with the server's operator credential. */
  #host = false;
  readonly #hub: Hub;
  readonly #peer: Peer;
  /** Made on the first file request: most connections never share a file. */
  #transfersMade: Transfers | undefined;
  #changesMade: MessageChanges | undefined;
  #authenticated = false;
  /** False for a connection that only transfers files: it is in no room's member list. */
  #present = true;
  /** The person this connection is: the owner of its device and nicks. */
  #owner = "";
  /** The id after which the nick's private messages belong to this connection's owner. */
  #claimSince = 0;
  /** The login this connection belongs to, and its resume token; none for files only. */
  #login: { token: string; session: LoginSession } | undefined;
  /** Replaced by a reconnect of the same user: it leaves without a notice. */
  #replaced = false;
  readonly #feed: RoomFeed;
  readonly #joinedRooms = new Set<string>();
  /** Rooms this person follows (has a read marker in), as far as this connection knows. */
  readonly #followed = new Set<string>();
  /** When the last `typing` was relayed. */
  #typingAt = -Infinity;
  readonly #bucket: TokenBucket;

  constructor(hub: Hub, peer: Peer, remote: string) {
    this.#hub = hub;
    this.#peer = peer;
    this.remote = remote;
    this.id = hub.newMemberId();
    this.#feed = new RoomFeed(hub, peer);
    this.#bucket = new TokenBucket({ ...hub.options.rate, now: hub.options.now });
    hub.register(this);
  }

  get #transfers(): Transfers {
    return this.#transfersMade ??= new Transfers(this.#hub, this.#peer, this);
  }

  get #changes(): MessageChanges {
    return this.#changesMade ??= new MessageChanges(this.#hub, (text) => this.#checkText(text));
  }

  /**
   * The rooms this person may see: the ones they follow (they joined them) and the one this
   * connection is in. (A connection for files only names a room without joining it.)
   */
  visibleRooms(): string[] {
    const rooms = new Set(this.#followed);
    if (this.room !== "" && this.#present) rooms.add(this.room);
    return [...rooms];
  }

  /** Whether this connection joined `room`, past its passkey and its other rules. */
  entered(room: string): boolean {
    return this.#present && this.#joinedRooms.has(room);
  }

  /** The id from which the private messages of this nick are this person's (section 2.4). */
  get claimSince(): number {
    return this.#claimSince;
  }

  /** The person this connection is: the owner of its device and nicks. */
  get owner(): string {
    return this.#owner;
  }

  /** Every room this connection has been in: where its files may come from. */
  get joinedRooms(): ReadonlySet<string> {
    return this.#joinedRooms;
  }

  /** Whether the handshake has succeeded. */
  get authenticated(): boolean {
    return this.#authenticated;
  }

  /** The connection's IP address. */
  get address(): string {
    return hostOf(this.remote);
  }

  /** Ends the connection with a fatal `kicked` or `banned` error (host controls). */
  expel(code: "kicked" | "banned", message: string): void {
    this.#reply({ type: "error", code, message, fatal: true });
    this.#peer.close();
  }

  /** Says `bye` and closes; a replaced session leaves its room without a notice. */
  end(reason: ByeReason, message: string): void {
    if (reason === "replaced") this.#replaced = true;
    this.#reply({ type: "bye", reason, message });
    this.#peer.close();
  }

  /** Delivers a live event, holding it back while history is replayed and never twice. */
  deliver(message: OutboundMessage, id: number): void {
    this.#feed.deliver(message, id);
  }

  /** Sends a message at once, outside the order of room events. */
  notify(message: OutboundMessage): void {
    this.#peer.send(message);
  }

  /** Handles one validated client message. */
  async handle(message: ClientMessage): Promise<void> {
    if (!this.#authenticated) {
      if (message.type !== "hello") {
        throw new ProtocolError("not_authenticated", 'The first message must be "hello".', {
          fatal: true,
        });
      }
      return await this.#hello(message);
    }
    if (message.type !== "pong" && !this.#bucket.take()) {
      throw new ProtocolError(
        "rate_limited",
        `You are sending faster than ${this.#hub.options.rate.perSecond} requests a second; slow down.`,
        { retryAfterMs: this.#bucket.nextTokenInMs() },
      );
    }
    if (!this.#present && PRESENCE_ONLY.has(message.type)) {
      throw new ProtocolError(
        "bad_request",
        `"${message.type}" needs a connection that joined with presence; this one is for files only.`,
      );
    }
    if (isOperatorRequest(message)) {
      return this.#reply(await this.#hub.moderation.handle(this, message));
    }
    switch (message.type) {
      case "hello":
        throw new ProtocolError("bad_request", "This connection is already authenticated.");
      case "send":
        return await this.#send(
          message.rid,
          message.text,
          message.action === true,
          message.reply_to,
        );
      case "private":
        return await this.#private(message.rid, message.to, message.text, message.reply_to);
      case "react":
      case "edit":
      case "delete":
        return await this.#change(message);
      case "search":
        return this.#reply(await this.#changes.search(this, message));
      case "join":
        return await this.#join(message.room, message.rid, message.passkey);
      case "nick":
        return await this.#nick(message.nick, message.rid);
      case "who":
        return this.#reply({
          type: "users",
          room: this.room,
          users: await this.#hub.usersIn(this.room),
          rid: message.rid,
          ...await this.#awayIn(this.room),
          ...await this.#opsAmong(await this.#hub.usersIn(this.room)),
        });
      case "rooms":
        return this.#reply({
          type: "room_list",
          rooms: await this.#hub.roomList(),
          rid: message.rid,
        });
      case "info":
        return this.#reply({
          type: "server_info",
          room: this.room,
          users: await this.#hub.usersIn(this.room),
          online: await this.#hub.online(),
          uptime_s: Math.floor((this.#hub.options.now() - this.#hub.startedAt) / 1000),
          messages: await this.#hub.history.count(),
          server: this.#hub.options.serverName,
          rid: message.rid,
        });
      case "history":
        if (message.with !== undefined) {
          return await this.#feed.replayConversation(this.nick, message.with, {
            ...message,
            after: this.#claimSince,
          });
        }
        await this.#feed.replay(this.room, message);
        return;
      case "read":
        return await this.#read(message);
      case "unread":
        return this.#reply({
          type: "unread_counts",
          places: await this.#hub.unreadCounts(this, this.nick, this.#claimSince),
          rid: message.rid,
        });
      case "mentions":
        return await this.#mentions(message);
      case "typing":
        return await this.#typing(message.with);
      case "away":
        return await this.#hub.setAway(this, message.text ?? "");
      case "back":
        return await this.#hub.setAway(this, undefined);
      case "ping":
        return this.#reply({ type: "pong", rid: message.rid });
      case "pong":
        return;
      case "quit":
        this.#reply({ type: "bye", reason: "quit", message: "Goodbye." });
        this.#peer.close();
        return;
      case "upload":
        return await this.#transfers.upload(message);
      case "upload_end":
        return await this.#transfers.uploadEnd(message);
      case "upload_cancel":
        return await this.#transfers.uploadCancel(message.transfer);
      case "download":
        return await this.#transfers.download(message);
      case "download_cancel":
        return this.#transfers.downloadCancel(message.transfer);
      case "files":
        return await this.#transfers.list(message);
      case "invite":
        return await this.#invite(message.rid, message.ttl_s);
      case "download_link":
        return await this.#transfers.downloadLink(message);
      case "link_code": {
        const { code, expires } = await this.#hub.admission.createLinkCode(this.#owner);
        return this.#reply({
          type: "link_code_created",
          rid: message.rid,
          code,
          expires: new Date(expires).toISOString(),
        });
      }
    }
  }

  /** Handles the data of a `CHUNK` frame. */
  async chunk(transfer: number, data: Uint8Array): Promise<void> {
    if (!this.#authenticated) {
      throw new ProtocolError("not_authenticated", 'The first message must be "hello".', {
        fatal: true,
      });
    }
    await this.#transfers.chunk(transfer, data);
  }

  /** Leaves the room and frees the nick; called once when the connection ends. */
  async disconnect(): Promise<void> {
    this.#hub.unregister(this);
    if (!this.#authenticated) return;
    this.#authenticated = false;
    await this.#transfersMade?.close();
    if (!this.#present) return;
    this.#hub.detach(this, this.#followed);
    if (this.#login !== undefined) await this.#hub.releaseSession(this.#login.session.id);
    await this.#hub.releaseNick(this);
    if (this.#replaced) await this.#hub.removeFromRoom(this, this.room);
    else await this.#leaveRoom();
  }

  /** Sends a reply; an undefined `rid` is left out by JSON.stringify. */
  #reply(message: ServerMessage): void {
    this.#peer.send(new OutboundMessage(message));
  }

  async #hello(hello: Extract<ClientMessage, { type: "hello" }>): Promise<void> {
    if (hello.v !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        "version_mismatch",
        `This server speaks protocol version ${PROTOCOL_VERSION}, not ${hello.v}; use a matching chat client.`,
        { fatal: true },
      );
    }
    const moderation = this.#hub.moderation;
    // A banned address is refused before any credential is looked at.
    await moderation.checkAddress(this.address);
    const admitted = await this.#hub.admission.admit(hello, {
      remote: this.remote,
      address: this.address,
    });
    await moderation.checkOwner(admitted.owner);
    if (hello.operator !== undefined) {
      if (!await moderation.isOperatorCredential(hello.operator)) {
        this.#hub.options.log(`A wrong operator credential came from ${this.remote}`);
        throw new ProtocolError(
          "not_permitted",
          "That is not this server's operator credential; chat join --operator reads it from the server's data dir.",
          { fatal: true },
        );
      }
      this.#host = true;
    }
    const problem = nickProblem(hello.nick);
    if (problem !== undefined) throw new ProtocolError("nick_invalid", problem, { fatal: true });
    const { room, problem: roomProblem } = normalizeRoom(hello.room ?? "lobby");
    if (roomProblem !== undefined) {
      throw new ProtocolError("room_invalid", roomProblem, { fatal: true });
    }
    this.#present = hello.presence !== false;
    // A nick belongs to the first person to use it; a files-only connection only borrows a free
    // one as the name on what it shares.
    const owned = await this.#hub.nickOwnership(hello.nick, admitted.owner, { claim: false });
    if (owned !== undefined && owned.owner !== admitted.owner) {
      throw new ProtocolError("nick_owned", ownedMessage(hello.nick), { fatal: true });
    }
    // The role belongs to the owned nick: only its owner holds it.
    this.operator = this.#host ||
      (owned?.owner === admitted.owner && await moderation.isOperatorNick(hello.nick));
    // Before anything is kept for this login: no device or nick for one that is refused.
    if (this.#present) {
      await moderation.checkEntry(this, room, hello.room_passkey, { fatal: true });
    }
    const device = await this.#hub.admission.remember(admitted, hello.client ?? "unknown client");
    const claim = this.#present
      ? await this.#hub.nickOwnership(hello.nick, admitted.owner, { claim: true })
      : undefined;
    if (claim !== undefined && claim.owner !== admitted.owner) {
      throw new ProtocolError("nick_owned", ownedMessage(hello.nick), { fatal: true });
    }
    this.#owner = admitted.owner;
    this.#claimSince = claim?.since ?? 0;
    const resumed = this.#present && hello.resume !== undefined
      ? await this.#hub.resumeSession(hello.resume, hello.nick, admitted.owner)
      : undefined;
    const takeover = resumed !== undefined && await this.#hub.holderOf(hello.nick) !== undefined;
    if (resumed !== undefined) {
      this.nick = hello.nick;
      await this.#hub.takeOverNick(this, hello.nick);
      this.#login = { token: hello.resume!, session: resumed };
    } else if (this.#present) {
      this.nick = hello.nick;
      if (!await this.#hub.claimNick(this, hello.nick)) {
        throw new ProtocolError("nick_taken", takenMessage(hello.nick), { fatal: true });
      }
      try {
        this.#login = await this.#hub.startSession(hello.nick, admitted.owner);
      } catch (error) {
        await this.#hub.releaseNick(this);
        throw error;
      }
    }
    this.nick = hello.nick;
    this.#authenticated = true;
    if (this.#host && this.#present) await moderation.signInHost(this.nick, this.remote);
    this.#hub.options.log(
      `${this.nick} connected from ${this.remote}${this.#present ? "" : " (files only)"}`,
    );
    const { maxMessageBytes, historyLimit, serverName } = this.#hub.options;
    this.#reply({
      type: "welcome",
      v: PROTOCOL_VERSION,
      server: serverName,
      nick: this.nick,
      max_message_bytes: maxMessageBytes,
      max_frame_bytes: 1_048_576,
      history: historyLimit,
      resume: this.#login?.token,
      rate: { per_second: this.#hub.options.rate.perSecond, burst: this.#hub.options.rate.burst },
      device,
      ...(this.operator ? { operator: true as const } : {}),
      ...(this.#hub.nodes === undefined ? {} : { nodes: this.#hub.nodes() }),
    });
    if (!this.#present) {
      this.room = room;
      this.#joinedRooms.add(room);
      // What it may search: the rooms its person follows (section 3.6).
      const markers = await this.#hub.options.readMarkers.markers(this.#owner);
      for (const key of markers.keys()) if (key.startsWith("#")) this.#followed.add(key.slice(1));
      return;
    }
    const markers = await this.#hub.attach(this);
    for (const key of markers.keys()) if (key.startsWith("#")) this.#followed.add(key.slice(1));
    await this.#enterRoom(room, { since: hello.since, quiet: takeover });
    this.#reply({
      type: "unread_counts",
      places: await this.#hub.unreadCounts(this, this.nick, this.#claimSince),
    });
  }

  /** `read`: moves the person's read marker in a room or conversation. */
  async #read(request: Extract<ClientMessage, { type: "read" }>): Promise<void> {
    if ((request.room === undefined) === (request.with === undefined)) {
      throw new ProtocolError("bad_request", '"read" names either a "room" or a "with", not both.');
    }
    // Nobody reads what was not written yet: a marker beyond the log would hide what comes.
    const id = Math.min(request.id, await this.#hub.history.lastId());
    if (request.with !== undefined) {
      await this.#hub.markRead(this, { with: request.with }, id);
      return;
    }
    const { room, problem } = normalizeRoom(request.room!);
    if (problem !== undefined) throw new ProtocolError("room_invalid", problem);
    // Following a room lets its person search it (section 3.6): only a room they have been in.
    if (!this.#followed.has(room) && !(this.#present && this.#joinedRooms.has(room))) {
      throw new ProtocolError("not_permitted", `You have not joined ${room}.`);
    }
    await this.#hub.markRead(this, { room }, id);
    if (!this.#followed.has(room)) {
      this.#followed.add(room);
      await this.#hub.follow(this, room);
    }
  }

  /** `mentions`: the newest messages that mention this nick, a page at a time. */
  async #mentions(request: Extract<ClientMessage, { type: "mentions" }>): Promise<void> {
    const limit = request.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw new ProtocolError("bad_request", `Limit ${limit} is outside 1 to ${MAX_HISTORY_PAGE}.`);
    }
    const found = await this.#hub.history.mentions(this.nick, {
      before: request.before,
      limit: limit + 1,
    });
    const more = found.length > limit;
    const events = (more ? found.slice(1) : found).map((event) => ({
      type: event.type as "message" | "action",
      id: event.id,
      ts: new Date(event.ts).toISOString(),
      room: event.room,
      from: event.from,
      text: event.text,
    }));
    this.#reply({ type: "mention_list", events, more, rid: request.rid });
  }

  /** `typing`: relayed at most every {@linkcode TYPING_INTERVAL_MS}, the rest dropped. */
  async #typing(to?: string): Promise<void> {
    const now = this.#hub.options.now();
    if (now - this.#typingAt < TYPING_INTERVAL_MS) return;
    this.#typingAt = now;
    await this.#hub.typing(this, to);
  }

  /** The `away` field of `joined` and `users`: present only when someone is away. */
  async #awayIn(room: string): Promise<{ away?: string[] }> {
    const away = await this.#hub.awayIn(room);
    return away.length === 0 ? {} : { away };
  }

  /** Makes an invite, valid for `ttlSeconds` or the server's default. */
  async #invite(rid: string, ttlSeconds?: number): Promise<void> {
    const ttlMs = ttlSeconds === undefined ? this.#hub.options.inviteTtlMs : ttlSeconds * 1000;
    const { token, expires } = await this.#hub.admission.createInvite(ttlMs);
    const { chatPort, webPort, tls, fingerprint } = this.#hub.endpoints;
    this.#hub.options.log(
      `${this.nick} made an invite valid until ${new Date(expires).toISOString()}`,
    );
    this.#reply({
      type: "invite_created",
      rid,
      token,
      expires: new Date(expires).toISOString(),
      chat_port: chatPort,
      web_port: webPort,
      tls,
      fingerprint,
    });
  }

  #checkText(text: string): void {
    if (text.trim() === "") {
      throw new ProtocolError("empty_message", "Empty messages are not sent.");
    }
    const limit = this.#hub.options.maxMessageBytes;
    // UTF-8 is never shorter than UTF-16 code units / 1 and never longer than 3 per unit.
    if (text.length * 3 > limit) {
      const bytes = encoder.encode(text).byteLength;
      if (bytes > limit) {
        throw new ProtocolError(
          "message_too_large",
          `The message is ${bytes} bytes; the limit is ${limit} bytes.`,
        );
      }
    }
  }

  async #send(rid: string, text: string, action: boolean, replyTo?: number): Promise<void> {
    this.#checkText(text);
    await this.#hub.moderation.checkPost(this, { kind: "message", room: this.room });
    const type = action ? "action" : "message";
    const reply = replyTo === undefined ? {} : {
      replyTo,
      quote: await this.#changes.replyQuote(this, replyTo, { room: this.room }),
    };
    const { event, created } = await this.#hub.publish({
      type,
      room: this.room,
      from: this.nick,
      text,
      clientId: this.#clientId(rid),
      ...reply,
    }, this);
    this.#acknowledge(rid, { type, text }, event, created);
  }

  async #private(rid: string, to: string, text: string, replyTo?: number): Promise<void> {
    this.#checkText(text);
    await this.#hub.moderation.checkPost(this, { kind: "private", room: this.room });
    const clientId = this.#clientId(rid);
    const recipient = await this.#hub.recipientOf(to);
    if (recipient === undefined) {
      // A resend whose first try was stored, to someone who has gone since, is still acknowledged.
      const stored = await this.#hub.history.byClientId(clientId);
      if (stored === undefined) throw noSuchUser(to);
      return this.#acknowledge(rid, { type: "private", text }, stored, false);
    }
    const reply = replyTo === undefined ? {} : {
      replyTo,
      quote: await this.#changes.replyQuote(this, replyTo, { with: recipient }),
    };
    const { event, created } = await this.#hub.publishPrivate({
      room: this.room,
      from: this.nick,
      to: recipient,
      text,
      clientId,
      ...reply,
    }, this);
    this.#acknowledge(rid, { type: "private", text }, event, created);
  }

  /**
   * Reacts to, edits or deletes a message (section 3.6). A resend of a request already carried
   * out (the same `rid`, after a reconnect) is acknowledged again rather than refused.
   */
  async #change(
    request: Extract<ClientMessage, { type: "react" | "edit" | "delete" }>,
  ): Promise<void> {
    const clientId = this.#clientId(request.rid);
    const type = request.type === "react" ? "reaction" : request.type;
    const text = request.type === "edit" ? request.text : "";
    const stored = await this.#hub.history.byClientId(clientId);
    if (stored !== undefined) {
      // The same change again (its text may have changed since: another edit came after it).
      const same = stored.type === type && stored.ref === request.id &&
        (request.type !== "react" ||
          (stored.emoji === request.emoji.trim() &&
            stored.remove === (request.remove || undefined)));
      // Acknowledged again as it is stored; another change under the same rid is rid_reused.
      return this.#acknowledge(request.rid, same ? stored : { type: "", text }, stored, false);
    }
    const changes = this.#changes;
    const { event, created } = request.type === "react"
      ? await changes.react(this, request, clientId)
      : request.type === "edit"
      ? await changes.edit(this, request, clientId)
      : await changes.delete(this, request, clientId);
    this.#acknowledge(request.rid, { type, text }, event, created);
  }

  /**
   * The store's idempotency key of a `send` or `private`: a `rid` is unique only among the
   * requests of one login and its resumes, so it is scoped to that session, never to the nick,
   * which someone else may use later.
   */
  #clientId(rid: string): string {
    return `${this.#login!.session.id} ${rid}`;
  }

  /**
   * Acknowledges a message, once stored; a resend (`created` false) of a different message under
   * the same `rid` is an error instead of a silent drop.
   */
  #acknowledge(
    rid: string,
    sent: { type: string; text: string },
    event: StoredEvent,
    created: boolean,
  ): void {
    if (!created && (event.type !== sent.type || event.text !== sent.text)) {
      throw new ProtocolError(
        "rid_reused",
        `The request id ${
          JSON.stringify(rid)
        } was already used for another message (id ${event.id}) ` +
          "in this session; send it again with a new rid.",
      );
    }
    const wire = toWireEvent(event) as Extract<ServerMessage, { type: "ack" }>["event"];
    this.#reply({ type: "ack", rid, id: event.id, ts: wire.ts, event: wire });
  }

  async #join(name: string, rid?: string, passkey?: string): Promise<void> {
    const { room, problem } = normalizeRoom(name);
    if (problem !== undefined) throw new ProtocolError("room_invalid", problem);
    if (room === this.room) return this.#reply(await this.#joined(room, rid));
    await this.#hub.moderation.checkEntry(this, room, passkey, { fatal: false });
    await this.#leaveRoom();
    await this.#enterRoom(room, { rid });
  }

  async #nick(nick: string, rid?: string): Promise<void> {
    const problem = nickProblem(nick);
    if (problem !== undefined) throw new ProtocolError("nick_invalid", problem);
    const previous = this.nick;
    const claim = await this.#hub.nickOwnership(nick, this.#owner, { claim: true });
    if (claim !== undefined && claim.owner !== this.#owner) {
      throw new ProtocolError("nick_owned", ownedMessage(nick));
    }
    if (!await this.#hub.claimNick(this, nick)) {
      throw new ProtocolError("nick_taken", takenMessage(nick));
    }
    this.#claimSince = claim?.since ?? 0;
    this.nick = nick;
    this.operator = this.#host || await this.#hub.moderation.isOperatorNick(nick);
    if (this.#login !== undefined) await this.#hub.renameSession(this.#login.session.id, nick);
    this.#hub.options.log(`${previous} is now known as ${nick}`);
    this.#reply({ type: "nick_ok", nick, rid });
    await this.#hub.publish({
      type: "notice",
      event: "nick",
      room: this.room,
      from: previous,
      nick,
      text: `${previous} is now known as ${nick}`,
    }, this);
  }

  /**
   * Joins `room`: `joined`, then either the newest history or, for a reconnect that says what
   * it saw last (`since`), exactly the events it missed, then `history_end`; then the join
   * notice (not for a takeover, where the user never left).
   */
  async #enterRoom(
    room: string,
    options: { rid?: string; since?: number; quiet?: boolean } = {},
  ): Promise<void> {
    const { rid, since } = options;
    this.room = room;
    this.#joinedRooms.add(room);
    this.#feed.hold();
    await this.#hub.addToRoom(this, room);
    this.#reply(await this.#joined(room, rid));
    // The nick's owner's private messages: never those from before they claimed it.
    const privates = { nick: this.nick, after: this.#claimSince };
    let shown: number | undefined;
    if (since === undefined) shown = await this.#feed.replay(room, { rid });
    else if (!await this.#feed.catchUp(room, since, { self: this.nick, privates })) {
      shown = await this.#feed.replay(room, { rid, gap: true });
    }
    this.#feed.release();
    // A room joined for the first time starts read up to what its first page showed.
    if (!this.#followed.has(room)) {
      this.#followed.add(room);
      await this.#hub.follow(this, room, shown ?? since ?? 0);
    }
    if (options.quiet || await this.#hub.isBig(room)) return;
    await this.#hub.publish({
      type: "notice",
      event: "join",
      room,
      from: this.nick,
      text: `${this.nick} joined ${room}`,
    }, this);
  }

  /** The `joined` reply: in a big room, only the first members' nicks, and always the count. */
  async #joined(room: string, rid?: string): Promise<ServerMessage> {
    const users = await this.#hub.usersIn(room, this.#hub.options.bigRoom);
    const topic = await this.#hub.moderation.topicOf(room);
    return {
      type: "joined",
      room,
      users,
      count: await this.#hub.countIn(room),
      rid,
      ...await this.#awayIn(room),
      ...await this.#opsAmong(users),
      ...(topic === "" ? {} : { topic }),
    };
  }

  /** The `ops` field of `joined` and `users`: present only when an operator is among them. */
  async #opsAmong(users: readonly string[]): Promise<{ ops?: string[] }> {
    const ops = await this.#hub.moderation.operatorsAmong(users);
    return ops.length === 0 ? {} : { ops };
  }

  async #leaveRoom(): Promise<void> {
    const room = this.room;
    if (room === "") return;
    const big = await this.#hub.isBig(room);
    await this.#hub.removeFromRoom(this, room);
    this.room = "";
    this.#feed.reset();
    if (big) return;
    await this.#hub.publish({
      type: "notice",
      event: "leave",
      room,
      from: this.nick,
      text: `${this.nick} left ${room}`,
    });
  }
}

/** The host part of `host:port` or `[v6]:port`. */
function hostOf(remote: string): string {
  return remote.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
}

function noSuchUser(nick: string): ProtocolError {
  return new ProtocolError("no_such_user", `Nobody called ${nick} has ever been here.`);
}

function ownedMessage(nick: string): string {
  return `The nick ${nick} belongs to someone else; choose another.`;
}

function takenMessage(nick: string): string {
  return `The nick ${nick} is already taken; choose another.`;
}
