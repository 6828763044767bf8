import { assertEquals } from "@std/assert";
import { RoomMembers } from "../../src/client/mod.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";

const TS = "2026-11-21T09:30:00.000Z";
let nextId = 1;

const welcome = (nick: string): ServerMessage => ({
  type: "welcome",
  v: 1,
  server: "chat/0.1.0",
  nick,
  max_message_bytes: 4096,
  max_frame_bytes: 1048576,
  history: 50,
});
const joined = (room: string, users: string[]): ServerMessage => ({
  type: "joined",
  room,
  users,
  count: users.length,
});
const notice = (
  event: "join" | "leave" | "nick",
  from: string,
  more: { nick?: string; room?: string; history?: true } = {},
): ServerMessage => ({
  type: "notice",
  id: nextId++,
  ts: TS,
  room: more.room ?? "lobby",
  event,
  from,
  text: `${from} ${event}`,
  ...(more.nick === undefined ? {} : { nick: more.nick }),
  ...(more.history ? { history: true } : {}),
});

const CASES: { name: string; messages: ServerMessage[]; nicks: string[]; self: string }[] = [
  { name: "nobody before joined", messages: [welcome("ada")], nicks: [], self: "ada" },
  {
    name: "joined names the room's members",
    messages: [welcome("ada"), joined("lobby", ["ada", "ben"])],
    nicks: ["ada", "ben"],
    self: "ada",
  },
  {
    name: "a big room's partial joined still has this client",
    messages: [welcome("zoe"), joined("lobby", ["ada", "ben"])],
    nicks: ["ada", "ben", "zoe"],
    self: "zoe",
  },
  {
    name: "a live join adds, a leave removes",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada", "ben"]),
      notice("join", "cleo"),
      notice("leave", "ben"),
    ],
    nicks: ["ada", "cleo"],
    self: "ada",
  },
  {
    name: "a leave matches the nick whatever its case",
    messages: [welcome("ada"), joined("lobby", ["ada", "Ben"]), notice("leave", "BEN")],
    nicks: ["ada"],
    self: "ada",
  },
  {
    name: "someone's nick change renames them in place of the old nick",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada", "ben"]),
      notice("nick", "ben", { nick: "benji" }),
    ],
    nicks: ["ada", "benji"],
    self: "ada",
  },
  {
    name: "nick_ok renames this client, and its own nick notice changes nothing more",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada", "ben"]),
      { type: "nick_ok", nick: "ada_b" },
      notice("nick", "ada", { nick: "ada_b" }),
    ],
    nicks: ["ben", "ada_b"],
    self: "ada_b",
  },
  {
    name: "replayed notices and notices of other rooms change nothing",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada", "ben"]),
      notice("join", "old", { history: true }),
      notice("leave", "ben", { history: true }),
      notice("join", "cleo", { room: "lab" }),
    ],
    nicks: ["ada", "ben"],
    self: "ada",
  },
  {
    name: "this client's own leave in a catch-up does not remove it",
    messages: [welcome("ada"), joined("lobby", ["ada", "ben"]), notice("leave", "ada")],
    nicks: ["ada", "ben"],
    self: "ada",
  },
  {
    name: "users of this room replace the list; users of another room do not",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada"]),
      { type: "users", room: "lobby", users: ["ada", "ben", "cleo"] },
      { type: "users", room: "lab", users: ["zed"] },
    ],
    nicks: ["ada", "ben", "cleo"],
    self: "ada",
  },
  {
    name: "/info's server_info replaces the list",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada"]),
      {
        type: "server_info",
        room: "lobby",
        users: ["ada", "dan"],
        online: 2,
        uptime_s: 1,
        messages: 0,
        server: "chat/0.1.0",
      },
    ],
    nicks: ["ada", "dan"],
    self: "ada",
  },
  {
    name: "joining another room starts its list afresh",
    messages: [
      welcome("ada"),
      joined("lobby", ["ada", "ben"]),
      joined("lab", ["ada", "zed"]),
      notice("join", "cleo", { room: "lobby" }),
    ],
    nicks: ["ada", "zed"],
    self: "ada",
  },
];

for (const { name, messages, nicks, self } of CASES) {
  Deno.test(`RoomMembers.observe(): ${name}`, () => {
    const members = new RoomMembers();
    for (const message of messages) members.observe(message);
    assertEquals(members.nicks, nicks);
    assertEquals(members.self, self);
  });
}

Deno.test("RoomMembers.room is the room of the last joined", () => {
  const members = new RoomMembers();
  assertEquals(members.room, "");
  members.observe(joined("lobby", []));
  members.observe(joined("lab", []));
  assertEquals(members.room, "lab");
});
