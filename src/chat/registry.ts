/** A room and how many are in it, as `rooms` lists them. */
export interface RoomCount {
  name: string;
  users: number;
}

/**
 * Who is online, under which nick, in which room — across every server that shares the rooms.
 * A holder is a `Member.id`: one connection. On one machine this is a few maps in memory; a
 * cluster keeps it in a replicated key-value store where claiming a nick is a compare-and-set, so
 * two servers can never give one nick to two people. Nicks are compared by `nickKey()`.
 */
export interface Registry {
  /** Claims `nick` for `holder` unless another holder has it; true when `holder` has it now. */
  claim(nick: string, holder: string): Promise<boolean>;
  /** Gives `nick` to `holder` whoever has it; returns the holder it was taken from, if another. */
  take(nick: string, holder: string): Promise<string | undefined>;
  /** Releases `nick` if `holder` has it. */
  release(nick: string, holder: string): Promise<void>;
  /** Who holds `nick`, if anyone, and the nick as that holder spells it. */
  holder(nick: string): Promise<{ holder: string; nick: string } | undefined>;
  /** Records that `holder` is in `room` (as the nick it holds, whatever it becomes). */
  enter(room: string, holder: string): Promise<void>;
  /** Records that `holder` left `room`. */
  leave(room: string, holder: string): Promise<void>;
  /** The nicks in `room`, the first `limit` to have entered (all by default), sorted. */
  members(room: string, limit?: number): Promise<string[]>;
  /** How many are in `room`. */
  count(room: string): Promise<number>;
  /** Every room someone is in, and the lobby, with counts, sorted by name. */
  rooms(): Promise<RoomCount[]>;
  /** How many nicks are held. */
  online(): Promise<number>;
  /**
   * Marks `holder` away (with `text`, which may be empty) or, with `undefined`, back. Being away
   * ends when the holder releases its nick.
   */
  setAway(holder: string, text: string | undefined): Promise<void>;
  /** The nicks in `room` that are away, sorted. */
  awayIn(room: string): Promise<string[]>;
}
