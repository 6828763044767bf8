import { assert, assertEquals } from "@std/assert";
import { startServer, TestClient } from "../e2e/_helpers.ts";
import {
  atEmptyPrompt,
  type Cell,
  cells,
  joinOnTerminal,
  messageRows,
  PROMPT,
} from "./_chat_screen.ts";
import { type Screen, showScreen, type TmuxSession } from "./_tmux.ts";

/** The cells of the row, read with its attributes, that ends with `<nick> text`. */
async function paintedRow(term: TmuxSession, nick: string, text: string): Promise<Cell[]> {
  const screen = await term.capture({ escapes: true });
  const row = screen.lines.find((line) =>
    cells(line).map((c) => c.char).join("").endsWith(
      `<${nick}> ${text}`,
    )
  );
  if (row === undefined) {
    throw new Error(`No row ends with <${nick}> ${text}.\n${showScreen(screen)}`);
  }
  return cells(row);
}

/** The cells of `part`, found in `row`. */
function cellsOf(row: Cell[], part: string): Cell[] {
  const start = row.map((c) => c.char).join("").lastIndexOf(part);
  assert(start >= 0, `"${part}" in ${JSON.stringify(row.map((c) => c.char).join(""))}`);
  return row.slice(start, start + [...part].length);
}

/** The prompt with `typed` after it and the cursor at its end (tmux drops trailing spaces). */
function typed(text: string): (screen: Screen) => boolean {
  return (screen) =>
    screen.cursorLine === `${PROMPT} ${text}`.trimEnd() &&
    screen.cursor.x === `${PROMPT} ${text}`.length;
}

Deno.test("chat join --bell rings for a mention, shown bold with @you reversed, and for a private message", async () => {
  await using server = await startServer({ quiet: true });
  await using term = await joinOnTerminal(server, ["--nick", "ada", "--bell"], {
    CHAT_PASSKEY: server.passkey,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });

  assertEquals((await bob.send("just chatting")).type, "ack");
  // The client rings before it prints a line, so a bell would have reached tmux by now.
  let screen = await term.waitForScreen((s) => messageRows(s, "bob", "just chatting").length > 0, {
    what: "bob's first message",
  });
  assertEquals(screen.bells, 0, `no bell for a message to everyone\n${showScreen(screen)}`);
  const plain = await paintedRow(term, "bob", "just chatting");
  assert(plain.every((c) => !c.bold && !c.reverse), "a line for everyone is not highlighted");

  assertEquals((await bob.send("@ada hello")).type, "ack");
  screen = await term.waitForScreen(
    (s) => messageRows(s, "bob", "@ada hello").length > 0 && s.bells === 1,
    { what: "bob's mention of ada, and one bell" },
  );
  const mention = await paintedRow(term, "bob", "@ada hello");
  assert(mention.every((c) => c.bold), "the line that mentions ada is bold");
  assert(cellsOf(mention, "@ada").every((c) => c.reverse), "@ada is in reverse video");
  assert(cellsOf(mention, " hello").every((c) => !c.reverse), "the rest is not reversed");

  assertEquals((await bob.private("ada", "psst")).type, "ack");
  screen = await term.waitForScreen(
    (s) => s.lines.some((line) => line.endsWith("[private from bob] psst")) && s.bells === 2,
    { what: "bob's private message, and a second bell" },
  );
  await term.waitForScreen(atEmptyPrompt, { what: "the prompt below the private message" });
});

Deno.test("chat join --no-bell rings nothing, while a terminal without the flag rings", async () => {
  await using server = await startServer({ quiet: true });
  await using quiet = await joinOnTerminal(server, ["--nick", "ada", "--no-bell"], {
    CHAT_PASSKEY: server.passkey,
  });
  await using ringing = await joinOnTerminal(server, ["--nick", "cleo"], {
    CHAT_PASSKEY: server.passkey,
  });
  await quiet.waitForScreen(atEmptyPrompt, { what: `ada's ${PROMPT} prompt` });
  await ringing.waitForScreen(atEmptyPrompt, { what: `cleo's ${PROMPT} prompt` });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });

  assertEquals((await bob.send("@ada @cleo hello")).type, "ack");
  await ringing.waitForScreen(
    (s) => messageRows(s, "bob", "@ada @cleo hello").length > 0 && s.bells === 1,
    { what: "the mention on cleo's terminal, with a bell (on by default on a terminal)" },
  );
  assertEquals((await bob.private("ada", "psst")).type, "ack");
  assertEquals((await bob.send("after that")).type, "ack");
  // Everything that could ring at ada has been drawn, and a bell comes before its line.
  const screen = await quiet.waitForScreen(
    (s) =>
      messageRows(s, "bob", "@ada @cleo hello").length > 0 &&
      s.lines.some((line) => line.endsWith("[private from bob] psst")) &&
      messageRows(s, "bob", "after that").length > 0,
    { what: "the mention, the private message and the last message on ada's terminal" },
  );
  assertEquals(screen.bells, 0, `--no-bell never rings\n${showScreen(screen)}`);
  const mention = await paintedRow(quiet, "bob", "@ada @cleo hello");
  assert(cellsOf(mention, "@ada").every((c) => c.reverse), "still highlighted without a bell");
  assert(cellsOf(mention, "@cleo").every((c) => !c.reverse), "only ada's own mention");
});

Deno.test("Tab completes nicks of the room after @, at the start of a line and after /msg", async () => {
  await using server = await startServer({ quiet: true });
  await using _ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await using term = await joinOnTerminal(server, ["--nick", "ada"], {
    CHAT_PASSKEY: server.passkey,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  // ben was there when ada joined; ana comes after, announced by a notice.
  await using ana = await TestClient.join(server.port, { nick: "ana", passkey: server.passkey });
  await term.waitForScreen((s) => s.lines.some((line) => line.endsWith("ana joined lobby")), {
    what: "ana's arrival",
  });

  await term.sendKeys("hi @an");
  await term.press("Tab");
  await term.waitForScreen(typed("hi @ana "), { what: "@an completed to @ana" });
  const since = ana.mark();
  await term.typeLine("look");
  const sent = await ana.waitFor((m) => m.type === "message" && m.from === "ada", {
    since,
    what: "ada's message at ana",
  });
  assertEquals(sent.text, "hi @ana look");
  await term.waitForScreen(
    (s) => messageRows(s, "ada", "hi @ana look").length > 0 && atEmptyPrompt(s),
    { what: "ada's sent line and an empty prompt" },
  );

  await term.sendKeys("BE");
  await term.press("Tab");
  await term.waitForScreen(typed("@ben "), { what: "a bare nick at the start made a mention" });
  await term.press("C-u");
  await term.waitForScreen(atEmptyPrompt, { what: "the line cleared" });

  await term.sendKeys("/msg a");
  await term.press("Tab");
  await term.waitForScreen(typed("/msg ana "), { what: "the nick of /msg completed" });
  await term.press("C-u");

  assertEquals((await ana.request({ type: "nick", nick: "anna", rid: ana.rid() })).type, "nick_ok");
  await term.waitForScreen((s) => s.lines.some((line) => line.includes("anna")), {
    what: "ana's new nick",
  });
  await term.sendKeys("@an");
  await term.press("Tab");
  await term.waitForScreen(typed("@anna "), { what: "the new nick completed" });
});
