/**
 * The event log of a cluster (issue 17): one replicated JetStream stream that every node appends
 * to and follows. The stream's sequence is the event id, so ids stay global and increasing as
 * PROTOCOL.md promises. Each node keeps its own copy of the log in a {@linkcode HistoryStore}
 * (its SQLite file), written by one ordered consumer from the last id it has: pages, catch-ups,
 * conversations and counts are read from that copy, and deliveries go to the node's clients from
 * memory as each event arrives, never by asking the stream per delivery.
 *
 * Appending publishes with a `Nats-Msg-Id` that is unique for ever (the message's `clientId`,
 * else a random one) and tries again with the same id until the stream acknowledges it, through
 * leader elections and reconnects: a message is acknowledged to its sender only once a quorum
 * stored it, and the stream's deduplication keeps a retry from storing it twice.
 *
 * @module
 */
import type { JsMsg, StoredMsg } from "@nats-io/jetstream";
import { DeliverPolicy, type PubAck, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { EventLog, LoggedEvent, LogListener } from "../../chat/event_log.ts";
import type {
  AppendResult,
  HistoryStore,
  NewEvent,
  StoredEvent,
} from "../../chat/history_store.ts";
import { nickKey } from "../../protocol/names.ts";
import { copyEvent } from "../_events.ts";
import type { NatsContext } from "./context.ts";
import { replayThenFollow } from "../_follow.ts";

/** The header that names the member whose action made an event (it gets no copy). */
const ORIGIN_HEADER = "Chat-Origin";
/** How long one publish waits for the stream's acknowledgement before it is tried again. */
const PUBLISH_TIMEOUT_MS = 2000;
/** How long an append keeps trying before it fails (the sender's client tries again later). */
const GIVE_UP_MS = 30_000;

/** Settings of {@linkcode JetStreamEventLog.open}. */
export interface JetStreamEventLogOptions {
  /** How often the follower checks that it keeps up with the stream. Default 1 s. */
  watchdogMs?: number;
  /** Receives a line when the follower had to be started again. */
  log?: (line: string) => void;
}

/**
 * The shared log of a cluster, followed into the node's own copy.
 *
 * @example
 * ```ts ignore
 * const context = await connectCluster({ servers: ["nats://127.0.0.1:4222"], node: "a" });
 * const history = SqliteHistoryStore.open("chat-data/chat.db");
 * const log = await JetStreamEventLog.open(context, history);
 * const { event } = await log.append({ type: "message", room: "lobby", from: "ana", text: "hi", ts: Date.now() });
 * ```
 */
export class JetStreamEventLog implements EventLog {
  readonly #context: NatsContext;
  readonly #cache: HistoryStore;
  readonly #stream: string;
  readonly #options: Required<JetStreamEventLogOptions>;
  readonly #listeners = new Set<LogListener>();
  /** The highest id in the node's copy, delivered to every listener. */
  #applied: number;
  /** Appends waiting for their event to reach the node's copy, by id. */
  readonly #waiters = new Map<number, (() => void)[]>();
  #stopConsumer: (() => void) | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** The applied id at the last watchdog check. */
  #checkedAt = -1;
  /** A check is under way (catching up may outlast the interval). */
  #checking = false;
  #closed = false;
  #running: Promise<void> = Promise.resolve();
  /** Applying is one event at a time, whoever reads it (the consumer, or a catch-up). */
  #applying: Promise<void> = Promise.resolve();

  private constructor(
    context: NatsContext,
    cache: HistoryStore,
    applied: number,
    options: JetStreamEventLogOptions,
  ) {
    this.#context = context;
    this.#cache = cache;
    this.#stream = `${context.prefix}_events`;
    this.#applied = applied;
    this.#options = { watchdogMs: options.watchdogMs ?? 1000, log: options.log ?? (() => {}) };
  }

  /**
   * Creates the stream if no node has yet, and starts following it into `cache` from the
   * newest id `cache` holds.
   */
  static async open(
    context: NatsContext,
    cache: HistoryStore,
    options: JetStreamEventLogOptions = {},
  ): Promise<JetStreamEventLog> {
    const name = `${context.prefix}_events`;
    try {
      await context.jsm.streams.info(name);
    } catch {
      try {
        await context.jsm.streams.add({
          name,
          subjects: [`${context.prefix}.events.>`],
          num_replicas: context.replicas,
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          // Long enough for a client's resend after a reconnect, as deduplication needs.
          duplicate_window: 10 * 60 * 1_000_000_000,
        });
      } catch (error) {
        // Another node made it at the same moment ("subjects overlap"): it exists now.
        await context.jsm.streams.info(name).catch(() => {
          throw error;
        });
      }
    }
    const log = new JetStreamEventLog(context, cache, await cache.lastId(), options);
    log.#start();
    return log;
  }

  /** The subject of an event: its room's, or its private conversation's. */
  subjectOf(event: NewEvent): string {
    const base = `${this.#context.prefix}.events`;
    if (event.to === undefined) return `${base}.room.${hexToken(event.room)}`;
    const pair = [nickKey(event.from), nickKey(event.to)].sort();
    return `${base}.dm.${hexToken(pair[0])}.${hexToken(pair[1])}`;
  }

  async append(event: NewEvent, options: { origin?: string } = {}): Promise<AppendResult> {
    if (event.clientId !== undefined) {
      const stored = await this.#cache.byClientId(event.clientId);
      if (stored !== undefined) return { event: stored, created: false };
    }
    const msgID = event.clientId === undefined
      ? `r${randomToken()}`
      : `c${hexToken(event.clientId)}`;
    const headers = natsHeaders();
    if (options.origin !== undefined) headers.set(ORIGIN_HEADER, options.origin);
    // A reply's quote is not logged: it is the original's text as it reads at the time, which an
    // edit or a delete must be able to take back. Each node quotes from its own copy.
    const { quote: _quote, ...logged } = event;
    const ack = await this.#publish(this.subjectOf(event), JSON.stringify(logged), msgID, headers);
    await this.#reached(ack.seq);
    if (ack.duplicate) {
      const stored = event.clientId === undefined
        ? undefined
        : await this.#cache.byClientId(event.clientId);
      return { event: stored ?? copyEvent(event, ack.seq), created: false };
    }
    if (event.type === "edit" || event.type === "delete") {
      await this.#eraseSuperseded(event, ack.seq);
    }
    return { event: copyEvent(event, ack.seq), created: true };
  }

  follow(afterId: number, listener: LogListener): Promise<() => void> {
    return replayThenFollow(this.#cache, this.#listeners, afterId, listener);
  }

  /** The newest id this node has applied. */
  get applied(): number {
    return this.#applied;
  }

  /** Stops following the stream. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    this.#stopConsumer?.();
    await this.#running.catch(() => {});
  }

  /** Publishes until the stream acknowledges, with the same message id every time. */
  async #publish(
    subject: string,
    data: string,
    msgID: string,
    headers: ReturnType<typeof natsHeaders>,
  ): Promise<PubAck> {
    const deadline = Date.now() + GIVE_UP_MS;
    let delay = 50;
    for (;;) {
      try {
        return await this.#context.js.publish(subject, data, {
          msgID,
          headers,
          timeout: PUBLISH_TIMEOUT_MS,
        });
      } catch (error) {
        if (this.#closed || Date.now() >= deadline) {
          throw new Error(
            `The cluster did not store the message within ${GIVE_UP_MS / 1000} s ` +
              `(${error instanceof Error ? error.message : error}); it may not have a quorum.`,
          );
        }
        // A leader election, a reconnect or no quorum: the same id again, a little later.
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 500);
      }
    }
  }

  /**
   * After an edit or a delete was stored as `id`, erases from the stream the texts it supersedes
   * (PROTOCOL.md section 3.6): the message itself and its earlier edits. Each node's copy forgot
   * them as it kept the change; this is the cluster's log forgetting them too (`erase`: the
   * bytes are overwritten, not only marked). A node that follows the log from its start builds
   * an edited message from its newest edit, which carries what else the message was
   * (`NewEvent.original`), and a deleted one is gone. A failure is logged, not thrown: the change
   * is stored, and a later one erases again.
   */
  async #eraseSuperseded(change: NewEvent, id: number): Promise<void> {
    const edits = (await this.#cache.edits(change.ref!)).filter((edit) => edit < id);
    const doomed = [change.ref!, ...edits];
    for (const seq of doomed) {
      try {
        await this.#context.jsm.streams.deleteMessage(this.#stream, seq, true);
      } catch (error) {
        if (isGone(error)) continue;
        this.#options.log(`erasing event ${seq} from the stream failed: ${error}`);
      }
    }
  }

  /** Resolves once the node's copy holds `id`. */
  #reached(id: number): Promise<void> {
    if (this.#applied >= id) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    const list = this.#waiters.get(id);
    if (list === undefined) this.#waiters.set(id, [resolve]);
    else list.push(resolve);
    return promise;
  }

  #start(): void {
    this.#running = this.#follow();
    this.#watchdog = setInterval(() => void this.#check(), this.#options.watchdogMs);
  }

  /** Follows the stream into the copy, starting the consumer again whenever it ends. */
  async #follow(): Promise<void> {
    while (!this.#closed) {
      try {
        const consumer = await this.#context.js.consumers.get(this.#stream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: this.#applied + 1,
        });
        const messages = await consumer.consume();
        this.#stopConsumer = () => messages.stop();
        for await (const message of messages) {
          await this.#applyInTurn(message);
          if (this.#closed) break;
        }
      } catch (error) {
        if (this.#closed) return;
        this.#options.log(`following the event stream failed, starting again: ${error}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** {@linkcode #apply}, after whatever is being applied. */
  #applyInTurn(message: JsMsg | StoredMsg): Promise<void> {
    const turn = this.#applying.then(() => this.#apply(message));
    this.#applying = turn.catch(() => {});
    return turn;
  }

  /** Keeps one event of the stream in the copy, then hands it to the followers. */
  async #apply(message: JsMsg | StoredMsg): Promise<void> {
    const id = message.seq;
    if (id <= this.#applied) return;
    const event: StoredEvent = { ...JSON.parse(message.string()) as NewEvent, id };
    await this.#cache.keep([event]);
    if (event.replyTo !== undefined) {
      const quote = (await this.#cache.event(id))?.quote;
      if (quote !== undefined) event.quote = quote;
    }
    this.#applied = id;
    const logged: LoggedEvent = { event };
    const headers = "headers" in message ? message.headers : message.header;
    const origin = headers?.get(ORIGIN_HEADER);
    if (origin) logged.origin = origin;
    for (const listener of this.#listeners) listener(logged);
    for (const [waited, resolvers] of this.#waiters) {
      if (waited > id) continue;
      this.#waiters.delete(waited);
      for (const resolve of resolvers) resolve();
    }
  }

  /**
   * An ordered consumer may stop receiving after its server died, without ending, and a new one
   * may take seconds to be made while a server is missing: when the stream has moved on and this
   * node has not since the last check, the missing events are read one by one (a direct get by
   * sequence needs no consumer), so that appends waiting for them are answered, and the consumer
   * is started again from where the copy is.
   */
  async #check(): Promise<void> {
    if (this.#closed || this.#checking) return;
    this.#checking = true;
    const applied = this.#applied;
    try {
      const info = await this.#context.jsm.streams.info(this.#stream);
      const last = info.state.last_seq;
      if (last > applied && this.#checkedAt === applied) {
        this.#options.log(`the event stream is at ${last}, this node at ${applied}: catching up`);
        this.#stopConsumer?.();
        for (let seq = this.#applied + 1; seq <= last && !this.#closed; seq++) {
          // An erased event (a deleted message) leaves a gap in the sequence.
          const message = await this.#context.jsm.streams.getMessage(this.#stream, { seq })
            .catch((error) => {
              if (isGone(error)) return null;
              throw error;
            });
          if (message !== null) await this.#applyInTurn(message);
        }
      }
    } catch {
      // No answer (no quorum, reconnecting): the next check asks again.
    } finally {
      this.#checking = false;
    }
    this.#checkedAt = applied;
  }
}

const encoder = new TextEncoder();

/** Whether a stream request failed because the message is not (or no longer) there. */
function isGone(error: unknown): boolean {
  return error instanceof Error && /no message found|sequence \d+ not found/i.test(error.message);
}

/** A subject token (or message id) for any text: its UTF-8 bytes in hex. */
function hexToken(text: string): string {
  return Array.from(encoder.encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** 128 random bits in hex: a message id nobody else will ever use. */
function randomToken(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}
