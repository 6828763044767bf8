import { assertEquals } from "@std/assert";
import type { DiscoveredServer } from "../../src/client/mod.ts";
import { chooseServer, parseChoice, type ServerChoice } from "../../src/cli/join_discovered.ts";

const ROOM: DiscoveredServer = {
  name: "Room 214",
  addresses: ["10.77.0.1"],
  chatPort: 7777,
  webPort: 7778,
  version: 1,
  host: "chat-1.local",
};
const LAB: DiscoveredServer = {
  name: "Lab\x1b[2J",
  addresses: ["10.77.0.9", "192.168.1.9"],
  chatPort: 9000,
  fingerprint: `SHA256:${Array(32).fill("AB").join(":")}`,
  version: 1,
  host: "chat-2.local",
};
const NEXT: DiscoveredServer = { ...ROOM, name: "Next", version: 2, host: "chat-3.local" };

const LIST = "  1. Room 214    10.77.0.1  chat 7777  web 7778  no TLS\n" +
  `  2. Lab\\x1b[2J  10.77.0.9, 192.168.1.9  chat 9000  no web  TLS ${LAB.fingerprint}`;

const CASES: {
  name: string;
  found: DiscoveredServer[];
  interactive: boolean;
  choice: ServerChoice;
}[] = [
  {
    name: "one server is joined, in a script",
    found: [ROOM],
    interactive: false,
    choice: { action: "join", server: ROOM },
  },
  {
    name: "one server is joined, on a terminal",
    found: [ROOM],
    interactive: true,
    choice: { action: "join", server: ROOM },
  },
  {
    name: "several are asked about on a terminal",
    found: [ROOM, LAB],
    interactive: true,
    choice: { action: "ask", servers: [ROOM, LAB] },
  },
  {
    name: "several fail a script with their list, names made harmless, exit code 2",
    found: [ROOM, LAB],
    interactive: false,
    choice: {
      action: "fail",
      exitCode: 2,
      message: "Found 2 chat servers on the network; give the address of the one to join, such " +
        `as "chat join 10.77.0.1:7777":\n${LIST}`,
    },
  },
  {
    name: "a server of another protocol version is left out",
    found: [NEXT, ROOM],
    interactive: false,
    choice: { action: "join", server: ROOM },
  },
  {
    name: "the compatible ones are asked about",
    found: [ROOM, NEXT, LAB],
    interactive: true,
    choice: { action: "ask", servers: [ROOM, LAB] },
  },
  {
    name: "only servers of another version",
    found: [NEXT],
    interactive: true,
    choice: {
      action: "fail",
      exitCode: 1,
      message: "The chat servers on the network speak another protocol version than this chat " +
        "(1); use a chat of their version:\n  1. Next  10.77.0.1  chat 7777  web 7778  no TLS  " +
        "protocol 2",
    },
  },
  {
    name: "none",
    found: [],
    interactive: true,
    choice: {
      action: "fail",
      exitCode: 1,
      message: "No chat server answered on the network; give the address of the one to join.",
    },
  },
];

Deno.test("chooseServer() joins the one server, asks about several on a terminal only", () => {
  for (const { name, found, interactive, choice } of CASES) {
    assertEquals(chooseServer(found, { interactive }), choice, name);
  }
});

const ANSWERS: { answer: string; count: number; index: number | undefined }[] = [
  { answer: "1", count: 2, index: 0 },
  { answer: "2", count: 2, index: 1 },
  { answer: " 2\n", count: 3, index: 1 },
  { answer: "02", count: 3, index: 1 },
  { answer: "0", count: 2, index: undefined },
  { answer: "3", count: 2, index: undefined },
  { answer: "-1", count: 2, index: undefined },
  { answer: "1.5", count: 2, index: undefined },
  { answer: "one", count: 2, index: undefined },
  { answer: "", count: 2, index: undefined },
  { answer: "1 2", count: 2, index: undefined },
  { answer: "99999", count: 2, index: undefined },
];

Deno.test("parseChoice() takes a server's number from the list, nothing else", () => {
  for (const { answer, count, index } of ANSWERS) {
    assertEquals(parseChoice(answer, count), index, JSON.stringify(answer));
  }
});
