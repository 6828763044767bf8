import { assertEquals } from "@std/assert";
import {
  awayEntryKey,
  decodePart,
  encodePart,
  nickEntryKey,
  nodeEntryKey,
  nodeOf,
  RegistryView,
  roomEntryKey,
  type ViewEntry,
} from "../../../src/store/nats/_registry_view.ts";

const encoder = new TextEncoder();

/** A view fed `changes` in order, revision 1, 2, …, the n-th stored at second n. */
function viewOf(self: string, ...changes: [string, "PUT" | "DEL", string?][]): RegistryView {
  const view = new RegistryView(self);
  changes.forEach(([key, operation, value = ""], index) => {
    const entry: ViewEntry = {
      key,
      operation,
      value: encoder.encode(value),
      revision: index + 1,
      created: new Date((index + 1) * 1000),
    };
    view.apply(entry);
  });
  return view;
}

function nick(holder: string, nick: string): string {
  return JSON.stringify({ holder, nick });
}

Deno.test("encodePart() gives valid key tokens that decodePart() reverses", () => {
  for (const text of ["ada", "Zoë", "a/m1", "room.with.dots", "💬", "a b+c=d"]) {
    const part = encodePart(text);
    assertEquals(/^[-\w]+$/.test(part), true, part);
    assertEquals(decodePart(part), text);
  }
});

Deno.test("nodeOf() reads the node of a holder id, and nothing from other ids", () => {
  const cases: [string, string | undefined][] = [
    ["a/m1", "a"],
    ["host/x/m12", "host/x"],
    ["c1", undefined],
    ["/m1", undefined],
  ];
  for (const [holder, node] of cases) assertEquals(nodeOf(holder), node, holder);
});

Deno.test("RegistryView.members() keeps the first to enter, and a holder's newest nick", () => {
  const view = viewOf(
    "a",
    [nickEntryKey("cy"), "PUT", nick("a/m1", "cy")],
    [roomEntryKey("lab", "a/m1"), "PUT"],
    [nickEntryKey("ada"), "PUT", nick("a/m2", "ada")],
    [roomEntryKey("lab", "a/m2"), "PUT"],
    [nickEntryKey("bo"), "PUT", nick("a/m3", "bo")],
    [roomEntryKey("lab", "a/m3"), "PUT"],
    [roomEntryKey("lab", "a/m1"), "PUT"],
    [nickEntryKey("cyrus"), "PUT", nick("a/m1", "cyrus")],
  );
  assertEquals(view.members("lab", 2), ["ada", "cyrus"], "a repeated enter keeps its place");
  assertEquals(view.members("lab"), ["ada", "bo", "cyrus"], "the newer of two claims counts");
  assertEquals(view.online(), 4);
});

Deno.test("RegistryView ignores a change it has applied already", () => {
  const view = viewOf("a", [roomEntryKey("lab", "a/m1"), "PUT"], [
    roomEntryKey("lab", "a/m1"),
    "DEL",
  ]);
  view.apply({
    key: roomEntryKey("lab", "a/m1"),
    operation: "PUT",
    value: new Uint8Array(),
    revision: 1,
    created: new Date(1000),
  });
  assertEquals(view.count("lab"), 0);
});

Deno.test("RegistryView.deadNodes() finds silent nodes and holders without a node, never itself", () => {
  const view = viewOf(
    "b",
    [nodeEntryKey("a"), "PUT"],
    [nodeEntryKey("b"), "PUT"],
    [nickEntryKey("ada"), "PUT", nick("a/m1", "ada")],
    [roomEntryKey("lab", "gone/m1"), "PUT"],
    [awayEntryKey("c1"), "PUT", "a holder of no node"],
    [nodeEntryKey("b"), "PUT"],
    [nodeEntryKey("b"), "PUT"],
  );
  // Server time is 7 s: a beat at 1 s, b at 2, 6 and 7 s (three beats since a's); gone/m1 has
  // no heartbeat at all; c1 belongs to no node.
  const dead = (deadAfterMs: number, missedBeats: number) =>
    view.deadNodes(deadAfterMs, missedBeats).map((entry) => entry.node);
  assertEquals(dead(4_000, 1), ["a", "gone"]);
  assertEquals(dead(6_000, 1), ["gone"], "a's beat is not old enough");
  assertEquals(dead(4_000, 3), ["gone"], "a missed only three of b's beats");
  assertEquals(view.deadNodes(4_000, 1)[0].heartbeat, { key: nodeEntryKey("a"), revision: 1 });
  assertEquals(view.keysOfNode("a"), [{ key: nickEntryKey("ada"), revision: 3 }]);
  assertEquals(view.keysOfNode("gone"), [{ key: roomEntryKey("lab", "gone/m1"), revision: 4 }]);
});

Deno.test("RegistryView.deadNodes() does not count a pause of every node as one node dying", () => {
  // A leader election: nobody writes for 6 s; b's first beat after it jumps the server time.
  const view = viewOf("b", [nodeEntryKey("a"), "PUT"], [nodeEntryKey("b"), "PUT"]);
  view.apply({
    key: nodeEntryKey("b"),
    operation: "PUT",
    value: new Uint8Array(),
    revision: 3,
    created: new Date(9_000),
  });
  assertEquals(view.deadNodes(5_000, 5), [], "a missed one of b's beats, not five");
  assertEquals(view.deadNodes(5_000, 0).map((entry) => entry.node), ["a"], "by time alone");
});
