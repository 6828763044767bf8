import {
  type DisplayEvent,
  executeInput,
  type Input,
  type InputOptions,
  type Outcome,
  type Place,
  type ReconnectingClient,
} from "../client/mod.ts";
import { nickKey, nickProblem } from "../protocol/mod.ts";

/**
 * Where the user of `chat join` is: their room, or the private conversation with one person
 * they opened with `/query NICK`. There, plain lines, `/history`, `/files` and `/file` are the
 * conversation's (`executeInput()` with `conversation`); `/query` alone, or `/join`, goes back to
 * a room. Shared by the terminal and line mode, so a script can `/query` too.
 *
 * @example
 * ```ts ignore
 * const place = new JoinPlace(client, (event) => sink.local(event));
 * place.run(parseInput("/query ben"), { cursor, ...terminalFileCommands(client) });
 * place.label; // "[ben]"
 * ```
 */
export class JoinPlace {
  readonly #client: ReconnectingClient;
  readonly #show: (event: DisplayEvent) => void;
  #conversation: string | undefined;
  /** Nick keys of the people whose private lines got the hint already. */
  readonly #hinted = new Set<string>();

  constructor(client: ReconnectingClient, show: (event: DisplayEvent) => void) {
    this.#client = client;
    this.#show = show;
  }

  /** The nick of the conversation open, if any. */
  get conversation(): string | undefined {
    return this.#conversation;
  }

  /** The place on screen: the conversation, else the room. */
  get place(): Place {
    return this.#conversation === undefined
      ? { room: this.#client.room }
      : { with: this.#conversation };
  }

  /** The place as the prompt names it: `lobby`, or `[ben]` in a conversation. */
  get label(): string {
    return this.#conversation === undefined ? this.#client.room : `[${this.#conversation}]`;
  }

  /**
   * Carries out one parsed line here: in a conversation, to its person. `/query` switches, and
   * says so with a line of its own.
   */
  run(
    input: Input,
    options: Omit<InputOptions, "conversation">,
  ): Outcome {
    const outcome = executeInput(this.#client, input, {
      ...options,
      conversation: this.#conversation,
    });
    if (outcome.kind === "query") return this.#query(outcome.nick);
    // Going to a room is leaving the conversation for it.
    if (input.kind === "join" && outcome.kind === "requested") this.#conversation = undefined;
    return outcome;
  }

  /**
   * A hint to show after `event`: `/query NICK to answer`, after the first private line from
   * someone whose conversation is not open, once per person.
   */
  hint(event: DisplayEvent): DisplayEvent | undefined {
    const from = event.from;
    if (event.to === undefined || event.history || from === undefined) return undefined;
    const key = nickKey(from);
    if (key === nickKey(this.#client.nick) || this.#hinted.has(key)) return undefined;
    if (this.#conversation !== undefined && nickKey(this.#conversation) === key) return undefined;
    this.#hinted.add(key);
    return { type: "system", event: "hint", text: `/query ${from} to answer.` };
  }

  #query(nick: string | undefined): Outcome {
    const room = this.#client.room;
    if (nick === undefined) {
      const left = this.#conversation;
      this.#conversation = undefined;
      this.#show({
        type: "system",
        event: "query",
        room,
        text: left === undefined ? `You are in ${room}.` : `Back in ${room}.`,
      });
      return { kind: "empty" };
    }
    const problem = nickProblem(nick);
    if (problem !== undefined) return { kind: "invalid", message: problem };
    if (nickKey(nick) === nickKey(this.#client.nick)) {
      return { kind: "invalid", message: "That is you; /query NICK talks with someone else." };
    }
    this.#conversation = nick;
    // Someone who opened the conversation once knows how to answer.
    this.#hinted.add(nickKey(nick));
    this.#show({
      type: "system",
      event: "query",
      with: nick,
      text: `Talking privately with ${nick}: your lines go to ${nick} only. ` +
        `/query alone goes back to ${room}.`,
    });
    // The conversation's newest page follows the line.
    this.#client.request({ type: "history", with: nick });
    return { kind: "empty" };
  }
}
