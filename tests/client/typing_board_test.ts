import { assertEquals } from "@std/assert";
import {
  TYPING_EVERY_MS,
  TYPING_SHOWN_MS,
  TypingBoard,
  typingDue,
  typingText,
  TypingWatch,
} from "../../src/client/typing_board.ts";
import { ManualClock } from "../_manual_clock.ts";

Deno.test("TypingBoard shows a nick for six seconds after their last signal, or until they speak", () => {
  const clock = new ManualClock();
  const board = new TypingBoard(clock.now);
  board.typing("#lobby", "ana");
  board.typing("@ben", "ben");
  assertEquals(board.who("#lobby"), ["ana"]);
  assertEquals(board.who("#lab"), [], "each place its own");
  clock.advance(TYPING_SHOWN_MS - 1000);
  board.typing("#lobby", "ana");
  assertEquals(board.nextChange("@ben"), clock.now() + 1000);
  clock.advance(1000);
  assertEquals(board.who("@ben"), [], "six seconds after ben's signal");
  assertEquals(board.who("#lobby"), ["ana"], "ana signalled again");
  board.typing("#lobby", "Cy");
  board.spoke("#lobby", "ANA");
  assertEquals(board.who("#lobby"), ["Cy"], "her message ends her typing, nicks compared as nicks");
  board.clear();
  assertEquals(board.who("#lobby"), []);
  assertEquals(board.nextChange("#lobby"), undefined);
});

Deno.test("typingText() names who is typing, briefly when many are", () => {
  const cases: [string[], string][] = [
    [[], ""],
    [["ana"], "ana is typing…"],
    [["ana", "ben"], "ana and ben are typing…"],
    [["ana", "ben", "cy"], "ana, ben and cy are typing…"],
    [["ana", "ben", "cy", "dan", "eve"], "ana, ben and 3 others are typing…"],
  ];
  for (const [nicks, expected] of cases) assertEquals(typingText(nicks), expected);
});

Deno.test("typingDue() says so at once in a new place, then every three seconds", () => {
  const first = typingDue(undefined, "#lobby", 1000);
  assertEquals(first, { place: "#lobby", at: 1000 });
  assertEquals(typingDue(first, "#lobby", 1000 + TYPING_EVERY_MS - 1), undefined);
  assertEquals(typingDue(first, "#lobby", 1000 + TYPING_EVERY_MS), {
    place: "#lobby",
    at: 1000 + TYPING_EVERY_MS,
  });
  assertEquals(typingDue(first, "@ben", 1001), { place: "@ben", at: 1001 });
});

Deno.test("TypingWatch names who types in the place on screen, until their message or six seconds", () => {
  const clock = new ManualClock();
  const watch = new TypingWatch(clock.now);
  assertEquals(watch.text(), "", "no place on screen yet");
  watch.show({ room: "lobby" });
  assertEquals(watch.observe({ type: "typing", from: "ana", room: "lobby" }), true);
  assertEquals(watch.observe({ type: "typing", from: "ben" }), true, "ben, privately");
  assertEquals(watch.text(), "ana is typing…");
  assertEquals(watch.nextChange(), clock.now() + TYPING_SHOWN_MS);
  watch.show({ with: "BEN" });
  assertEquals(watch.text(), "ben is typing…", "the conversation with ben, whatever the case");
  // ben's private message ends his typing; a history copy of an older one does not.
  const line = {
    id: 7,
    from: "ben",
    to: "me",
    room: "lobby",
    text: "hi",
    ts: "2026-12-04T00:00:00Z",
  };
  assertEquals(watch.observe({ type: "private", ...line, history: true }), false);
  assertEquals(watch.text(), "ben is typing…");
  assertEquals(watch.observe({ type: "private", ...line }), true);
  assertEquals(watch.text(), "");
  watch.show({ room: "lobby" });
  clock.advance(TYPING_SHOWN_MS);
  assertEquals(watch.text(), "", "six seconds after ana's signal");
  assertEquals(watch.nextChange(), undefined);
  watch.observe({ type: "typing", from: "cy", room: "lobby" });
  assertEquals(watch.observe({ type: "welcome", nick: "me", room: "lobby" } as never), true);
  assertEquals(watch.text(), "", "a new login forgets everyone");
});

Deno.test("TypingWatch says its user types a message at most every three seconds, never a command or in a big room", () => {
  const clock = new ManualClock();
  const watch = new TypingWatch(clock.now);
  assertEquals(watch.typed("hello", 3), undefined, "no place on screen yet");
  watch.show({ room: "lobby" });
  assertEquals(watch.typed("   ", 3), undefined, "blanks are not a message");
  assertEquals(watch.typed("/join lab", 3), undefined, "a command is not a message");
  assertEquals(watch.typed("hello", 201), undefined, "a big room hears no typing");
  assertEquals(watch.typed("h", 3), { type: "typing" });
  assertEquals(watch.typed("he", 3), { type: "typing" }, "not sent: asked again");
  watch.sent();
  assertEquals(watch.typed("hel", 3), undefined);
  clock.advance(TYPING_EVERY_MS - 1);
  assertEquals(watch.typed("hell", 3), undefined);
  watch.show({ with: "ben" });
  assertEquals(
    watch.typed("yo", undefined),
    { type: "typing", with: "ben" },
    "another place at once",
  );
  watch.sent();
  watch.show({ room: "lobby" });
  clock.advance(1);
  assertEquals(watch.typed("hello", 3), { type: "typing" });
});
