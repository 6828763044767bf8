import { nickKey, type ServerMessage } from "../protocol/mod.ts";

/**
 * Who is in this client's room, kept from the messages the client receives: `joined` and
 * `users` (and `/info`'s `server_info`) give the whole list, live join, leave and nick notices
 * change it, and `welcome` and `nick_ok` say which nick is this client's own. Runtime-neutral,
 * like the rest of the client core: the terminal completes nicks from it.
 *
 * Nicks are told apart as the server tells them, case-insensitively ({@linkcode nickKey}). In a
 * big room `joined` names only the first 200 members, so the list is partial until `/who`.
 *
 * @example
 * ```ts
 * import { RoomMembers } from "./room_members.ts";
 * const members = new RoomMembers();
 * members.observe({ type: "joined", room: "lobby", users: ["ada", "ben"], count: 2 });
 * members.nicks; // ["ada", "ben"]
 * ```
 */
export class RoomMembers {
  #self = "";
  #room = "";
  /** By nick key, in the order they came. */
  #members = new Map<string, string>();

  /** This client's nick, as the server last confirmed it (`""` before `welcome`). */
  get self(): string {
    return this.#self;
  }

  /** The room the members are of (`""` before `joined`). */
  get room(): string {
    return this.#room;
  }

  /** The nicks in the room, this client's own included. */
  get nicks(): string[] {
    return [...this.#members.values()];
  }

  /** Takes in one message from the server. */
  observe(message: ServerMessage): void {
    switch (message.type) {
      case "welcome":
        this.#self = message.nick;
        break;
      case "joined":
        this.#room = message.room;
        this.#replace([...message.users, this.#self]);
        break;
      case "users":
      case "server_info":
        if (message.room === this.#room) this.#replace(message.users);
        break;
      case "nick_ok":
        this.#rename(this.#self, message.nick);
        this.#self = message.nick;
        break;
      case "notice": {
        // Replayed notices tell the past; a catch-up may bring this client's own join or leave.
        if (message.history || message.room !== this.#room) break;
        const own = nickKey(message.from) === nickKey(this.#self);
        if (message.event === "join" && !own) this.#add(message.from);
        else if (message.event === "leave" && !own) this.#members.delete(nickKey(message.from));
        else if (message.event === "nick" && message.nick !== undefined) {
          this.#rename(message.from, message.nick);
        }
        break;
      }
    }
  }

  #replace(nicks: readonly string[]): void {
    this.#members.clear();
    for (const nick of nicks) this.#add(nick);
  }

  #add(nick: string): void {
    if (nick !== "") this.#members.set(nickKey(nick), nick);
  }

  #rename(from: string, to: string): void {
    this.#members.delete(nickKey(from));
    this.#add(to);
  }
}
