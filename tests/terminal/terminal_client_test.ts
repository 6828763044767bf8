import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { spawnJoin, startServer, TestClient } from "../e2e/_helpers.ts";
import { atEmptyPrompt, joinOnTerminal, messageRows, PROMPT } from "./_chat_screen.ts";
import { showScreen } from "./_tmux.ts";

Deno.test("The terminal client asks for nick and passkey without echoing it, and asks again after a wrong one", async () => {
  await using server = await startServer({ quiet: true });
  await using term = await joinOnTerminal(server, [], { USER: "ada" });

  let screen = await term.waitForScreen((s) => s.cursorLine.startsWith("Nick"), {
    what: "the nick question",
  });
  assertStringIncludes(
    screen.cursorLine,
    "Nick [ada]:",
    `the default nick is offered in brackets\n${showScreen(screen)}`,
  );
  await term.typeLine("carol");

  screen = await term.waitForScreen((s) => s.cursorLine.startsWith("Passkey:"), {
    what: "the passkey question",
  });
  const wrong = "not-the-passkey";
  await term.sendKeys(wrong);
  screen = await term.waitForScreen((s) => s.cursor.x >= "Passkey: ".length + wrong.length, {
    what: "the typed passkey to be masked",
  });
  assertFalse(screen.text.includes(wrong), `the typed passkey is not shown\n${showScreen(screen)}`);
  await term.press("Enter");

  screen = await term.waitForScreen(
    (s) => s.lines.filter((line) => line.startsWith("Passkey:")).length === 2,
    { what: "the passkey question a second time" },
  );
  const asked = screen.lines.findIndex((line) => line.startsWith("Passkey:"));
  const again = screen.lines.findLastIndex((line) => line.startsWith("Passkey:"));
  const between = screen.lines.slice(asked + 1, again).join("\n");
  assertMatch(between, /passkey is wrong/i, `an error before asking again\n${showScreen(screen)}`);
  assertEquals(
    screen.cursor.y,
    again,
    `the cursor waits at the new question\n${showScreen(screen)}`,
  );

  await term.typeLine(server.passkey);
  screen = await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  assertStringIncludes(screen.text, "You are in lobby with carol.", showScreen(screen));
  assertFalse(screen.text.includes(server.passkey), `passkey not shown\n${showScreen(screen)}`);
  assertFalse(screen.text.includes(wrong), `wrong passkey not shown\n${showScreen(screen)}`);
  assertEquals(screen.exitStatus, undefined, "the client still runs");
});

Deno.test("A half-typed line survives an incoming message and is shown once when sent", async () => {
  await using server = await startServer({ quiet: true });
  await using term = await joinOnTerminal(server, ["--nick", "ada"], {
    CHAT_PASSKEY: server.passkey,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  await using bob = spawnJoin([server.address, "--nick", "bob", "--json"], {
    passkey: server.passkey,
  });
  await bob.ready();

  const halfTyped = `${PROMPT} half typed`;
  await term.sendKeys("half typed");
  await term.waitForScreen((s) => s.cursorLine === halfTyped, { what: "the half-typed line" });

  await bob.write("incoming from bob");
  let screen = await term.waitForScreen(
    (s) => messageRows(s, "bob", "incoming from bob").length > 0,
    { what: "bob's message" },
  );
  // The message and the redrawn prompt may reach the terminal in separate writes.
  screen = await term.waitForScreen(
    (s) => s.cursorLine === halfTyped && s.lastLine === halfTyped,
    { what: "the half-typed line redrawn below bob's message", timeoutMs: 3_000 },
  );
  assertEquals(screen.cursor.x, halfTyped.length, `cursor at its end\n${showScreen(screen)}`);
  const bobRow = screen.lines.findIndex((line) => line.endsWith("<bob> incoming from bob"));
  assert(bobRow < screen.cursor.y, `bob's line is above the input\n${showScreen(screen)}`);

  const since = bob.mark();
  await term.press("Enter");
  const atBob = await bob.waitFor((e) => e.type === "message" && e.text === "half typed", {
    since,
    what: "ada's message",
  });
  assertEquals(atBob.from, "ada");

  // A later message from bob proves everything about ada's line has reached the screen.
  await bob.write("after that");
  screen = await term.waitForScreen(
    (s) => messageRows(s, "bob", "after that").length > 0 && atEmptyPrompt(s),
    { what: "bob's second message and an empty prompt" },
  );
  assertEquals(messageRows(screen, "ada", "half typed").length, 1, showScreen(screen));
  assertEquals(
    screen.lines.filter((line) => line.includes("half typed")).length,
    1,
    `the typed line is replaced by the sent one, not shown twice\n${showScreen(screen)}`,
  );
  assertEquals(messageRows(screen, "bob", "incoming from bob").length, 1, showScreen(screen));
});

Deno.test("Escape sequences in another user's message are shown as text and have no effect", async () => {
  await using server = await startServer({ quiet: true });
  await using term = await joinOnTerminal(server, ["--nick", "ada"], {
    CHAT_PASSKEY: server.passkey,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  const colored = await term.capture({ escapes: true });
  assert(colored.text.includes("\x1b["), `colour is on for this test\n${showScreen(colored)}`);
  const titleBefore = colored.title;

  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  assertEquals((await bob.send("before the escapes")).type, "ack");
  await term.waitForScreen((s) => messageRows(s, "bob", "before the escapes").length > 0, {
    what: "bob's first message",
  });

  const hostile = "\x1b[2J\x1b]0;pwned\x07\x1b[31mRED";
  assertEquals((await bob.send(hostile)).type, "ack", "the server relays it");
  const shown = String.raw`\x1b[2J\x1b]0;pwned\x07\x1b[31mRED`;
  const screen = await term.waitForScreen((s) => messageRows(s, "bob", shown).length > 0, {
    what: `bob's message shown as ${shown}`,
  });
  assertStringIncludes(
    screen.text,
    "You are in lobby with ada.",
    `not cleared\n${showScreen(screen)}`,
  );
  assertEquals(messageRows(screen, "bob", "before the escapes").length, 1, showScreen(screen));
  assertEquals(screen.title, titleBefore, "the window title is unchanged");
  await term.waitForScreen(atEmptyPrompt, { what: "the prompt below bob's message" });

  const painted = await term.capture({ escapes: true });
  const row = painted.lines.find((line) => line.includes("pwned")) ?? "";
  assert(row !== "", showScreen(painted));
  const text = row.slice(row.indexOf("> ") + 2);
  assertEquals(
    text,
    shown,
    `bob's text carries no colour or other attribute:\n${JSON.stringify(row)}`,
  );
});

Deno.test("/help lists the commands, an unknown command says what to do, and /quit exits with 0", async () => {
  await using server = await startServer({ quiet: true });
  await using term = await joinOnTerminal(server, ["--nick", "ada"], {
    CHAT_PASSKEY: server.passkey,
    NO_COLOR: "1",
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });

  await term.typeLine("/help");
  let screen = await term.waitForScreen(
    (s) => s.lines.some((line) => line.startsWith("/quit")) && atEmptyPrompt(s),
    { what: "the list of commands" },
  );
  for (const command of ["/help", "/who", "/msg", "/join", "/nick", "/me", "/quit"]) {
    assert(
      screen.lines.some((line) => line.startsWith(`${command} `)),
      `/help lists ${command}\n${showScreen(screen)}`,
    );
  }

  await term.typeLine("/frobnicate");
  screen = await term.waitForScreen(
    (s) => s.lines.some((line) => line.includes("/frobnicate")) && atEmptyPrompt(s),
    { what: "the answer to an unknown command" },
  );
  const answer = screen.lines.find((line) => line.includes("/frobnicate") && line !== PROMPT);
  assertMatch(answer ?? "", /Unknown command \/frobnicate.*\/help/, showScreen(screen));

  const plain = await term.capture({ escapes: true });
  assertFalse(plain.text.includes("\x1b"), `NO_COLOR=1 gives plain text\n${showScreen(plain)}`);

  await term.typeLine("/quit");
  screen = await term.waitForExit();
  assertFalse(/error/i.test(screen.text), `no error on the way out\n${showScreen(screen)}`);
  assertEquals(screen.exitStatus, 0, `/quit exits with status 0\n${showScreen(screen)}`);
});
