import { assertEquals } from "@std/assert";
import {
  TYPING_EVERY_MS,
  TYPING_SHOWN_MS,
  TypingBoard,
  typingDue,
  typingText,
} from "../../web/following/typing_board.ts";
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
