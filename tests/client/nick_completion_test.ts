import { assertEquals } from "@std/assert";
import { completeNick, type NickCompletion } from "../../src/client/mod.ts";

const ROOM = { nicks: ["ada", "ana", "Anabel", "ben", "Zoë"], self: "ada" };

const CASES: { before: string; completion: NickCompletion }[] = [
  { before: "@an", completion: { partial: "@an", completions: ["@ana ", "@Anabel "] } },
  { before: "@ana", completion: { partial: "@ana", completions: ["@ana ", "@Anabel "] } },
  { before: "@anab", completion: { partial: "@anab", completions: ["@Anabel "] } },
  { before: "@B", completion: { partial: "@B", completions: ["@ben "] } },
  { before: "hi @b", completion: { partial: "@b", completions: ["@ben "] } },
  { before: "hi  @zo", completion: { partial: "@zo", completions: ["@Zoë "] } },
  { before: "@ZOË", completion: { partial: "@ZOË", completions: ["@Zoë "] } },
  {
    before: "@",
    completion: { partial: "@", completions: ["@ana ", "@Anabel ", "@ben ", "@Zoë "] },
  },
  { before: "@x", completion: { partial: "@x", completions: [] } },
  { before: "be", completion: { partial: "be", completions: ["@ben "] } },
  { before: "ANAB", completion: { partial: "ANAB", completions: ["@Anabel "] } },
  { before: "/msg be", completion: { partial: "be", completions: ["ben "] } },
  { before: "/MSG  an", completion: { partial: "an", completions: ["ana ", "Anabel "] } },
  { before: "/msg ben hi @a", completion: { partial: "@a", completions: ["@ana ", "@Anabel "] } },
];

const NOTHING: { name: string; before: string }[] = [
  { name: "an empty line", before: "" },
  { name: "after a space", before: "@ana " },
  { name: "a bare word after the start of the line", before: "hi be" },
  { name: "a command", before: "/jo" },
  { name: "the text of /msg", before: "/msg ben be" },
  { name: "an address", before: "mail me@an" },
  { name: "this client's own nick", before: "@ad" },
];

Deno.test("completeNick() completes a nick of the room after @, at the start and after /msg", () => {
  for (const { before, completion } of CASES) {
    assertEquals(completeNick(before, ROOM), completion, JSON.stringify(before));
  }
});

Deno.test("completeNick() offers nothing where no nick goes", () => {
  for (const { name, before } of NOTHING) {
    assertEquals(completeNick(before, ROOM).completions, [], name);
  }
});

Deno.test("completeNick() offers a nick once, however often the list has it", () => {
  const room = { nicks: ["ana", "ANA", "ana"], self: "ben" };
  assertEquals(completeNick("@a", room).completions, ["@ana "]);
});
