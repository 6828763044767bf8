import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { makeTempDir, type Received, startServer, TestClient } from "../e2e/_helpers.ts";
import { atEmptyPrompt, joinOnTerminal, messageRows, PROMPT } from "./_chat_screen.ts";
import { type Screen, showScreen, type TmuxSession } from "./_tmux.ts";

/** The prompt `label>` empty, with the cursor after it. */
function emptyPromptOf(label: string): (screen: Screen) => boolean {
  return (screen) => screen.cursorLine === `${label}>` && screen.cursor.x === `${label}> `.length;
}

/** Whether a row ends with `text` (rows start with the time or a history mark). */
function hasRow(screen: Screen, text: string): boolean {
  return screen.lines.some((line) => line.endsWith(text));
}

/** Waits until a row ends with `text`. */
function waitForRow(term: TmuxSession, text: string): Promise<Screen> {
  return term.waitForScreen((s) => hasRow(s, text), { what: JSON.stringify(text) });
}

/** The device credential `chat join` kept for `nick` in the config dir `home`. */
async function deviceOf(home: string, address: string, nick: string): Promise<string> {
  const devices = JSON.parse(await Deno.readTextFile(join(home, "devices.json")));
  const device = devices.devices[`${address} ${nick}`];
  if (typeof device !== "string") throw new Error(`No device for ${nick} in ${home}`);
  return device;
}

Deno.test("/query NICK talks privately with NICK: the prompt says so, lines, /history, /file and /files are the conversation's, /query alone goes back", async () => {
  await using server = await startServer({ quiet: true });
  await using home = await makeTempDir();
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await using term = await joinOnTerminal(server, ["--nick", "ana"], {
    CHAT_PASSKEY: server.passkey,
    CHAT_CONFIG_DIR: home.path,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  // ana's phone: another device of hers, which hears what she read on the terminal.
  await using phone = await TestClient.join(server.port, {
    nick: "ana_phone",
    passkey: server.passkey,
    device: await deviceOf(home.path, server.address, "ana"),
  });

  const earlier = await ben.private("ana", "are you there?");
  let screen = await waitForRow(term, "[private from ben] are you there?");
  screen = await waitForRow(term, "-- /query ben to answer.");
  const hint = screen.lines.findIndex((line) => line.endsWith("/query ben to answer."));
  assert(
    hint > screen.lines.findIndex((line) => line.endsWith("are you there?")),
    `the hint follows the private line\n${showScreen(screen)}`,
  );

  await term.typeLine("/query ben");
  screen = await term.waitForScreen(
    (s) => hasRow(s, "End of history with ben (1 earlier events).") && emptyPromptOf("[ben]")(s),
    { what: "the conversation's page and the [ben] prompt" },
  );
  assert(
    screen.lines.some((line) => /^│ \d\d:\d\d \[private from ben\] are you there\?$/.test(line)),
    `the conversation's newest page is shown\n${showScreen(screen)}`,
  );
  assert(
    hasRow(
      screen,
      "Talking privately with ben: your lines go to ben only. /query alone goes back to lobby.",
    ),
  );
  // Entering it read it: the phone is told, and stops counting it.
  const marker = await phone.waitFor((m) => m.type === "read_marker" && m.with === "ben", {
    what: "the read marker of the conversation on ana's phone",
  });
  assertEquals(marker.id, earlier.id);

  const before = ben.mark();
  await term.typeLine("yes, here");
  const reply = await ben.waitFor((m) => m.type === "private", {
    since: before,
    what: "ana's line at ben, privately",
  });
  assertEquals([reply.from, reply.to, reply.text], ["ana", "ben", "yes, here"]);
  await term.waitForScreen(
    (s) => hasRow(s, "[private to ben] yes, here") && emptyPromptOf("[ben]")(s),
    { what: "ana's private line and the [ben] prompt" },
  );

  const path = join(home.path, "notes.txt");
  await Deno.writeTextFile(path, "for ben only\n");
  await term.typeLine(`/file ${path}`);
  const file = await ben.waitFor((m) => m.type === "file", { since: before, what: "the file" });
  assertEquals([file.from, file.to], ["ana", "ben"]);
  await waitForRow(term, `You shared notes.txt (13 B) — /get ${file.id}`);
  await term.typeLine("/files");
  await waitForRow(term, `-- Files: ${file.id} notes.txt (13 B, ana). /get ID to fetch one.`);
  await term.typeLine("/history");
  await waitForRow(term, "No earlier messages with ben.");

  await term.typeLine("/query");
  await term.waitForScreen(
    (s) => hasRow(s, "-- Back in lobby.") && atEmptyPrompt(s),
    { what: "back in the lobby" },
  );
  await term.typeLine("to everyone");
  const said = await ben.waitFor((m) => m.type === "message", {
    since: before,
    what: "a room line",
  });
  assertEquals([said.from, said.text], ["ana", "to everyone"]);
  assertEquals(
    ben.messages.slice(before).filter((m: Received) => m.type === "message").length,
    1,
    "only the line typed after /query alone went to the room",
  );
});

Deno.test("/away shows on the other side, in presence and in /who, until /back", async () => {
  await using server = await startServer({ quiet: true });
  await using anaHome = await makeTempDir();
  await using benHome = await makeTempDir();
  const env = { CHAT_PASSKEY: server.passkey };
  await using ana = await joinOnTerminal(server, ["--nick", "ana"], {
    ...env,
    CHAT_CONFIG_DIR: anaHome.path,
  });
  await ana.waitForScreen(atEmptyPrompt, { what: "ana's prompt" });
  await using ben = await joinOnTerminal(server, ["--nick", "ben"], {
    ...env,
    CHAT_CONFIG_DIR: benHome.path,
  });
  await ben.waitForScreen(atEmptyPrompt, { what: "ben's prompt" });

  await ana.typeLine("/away lunch");
  await waitForRow(ben, "-- ana is away: lunch.");
  await waitForRow(ana, "-- ana is away: lunch.");
  await ben.typeLine("/who");
  await waitForRow(ben, "-- In lobby: ana (away), ben.");

  // Typing does not end an absence the user chose.
  await ana.typeLine("still eating");
  await waitForRow(ben, "<ana> still eating");
  await ana.typeLine("/back");
  await waitForRow(ben, "-- ana is back.");
  await ben.typeLine("/who");
  const screen = await waitForRow(ben, "-- In lobby: ana, ben.");
  assertEquals(
    screen.lines.filter((line) => line.endsWith("ana is back.")).length,
    1,
    `back once, at /back\n${showScreen(screen)}`,
  );
});

Deno.test("/mentions lists the messages that mention you, one a line with room and time", async () => {
  await using server = await startServer({ quiet: true });
  await using home = await makeTempDir();
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await using term = await joinOnTerminal(server, ["--nick", "ana"], {
    CHAT_PASSKEY: server.passkey,
    CHAT_CONFIG_DIR: home.path,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  await ben.send("@ana look at this");
  await ben.send("nothing for ana here");
  await ben.request({ type: "join", room: "lab", rid: ben.rid() }, { what: "ben in lab" });
  await ben.send("and @ANA in the lab", { action: true });
  await term.waitForScreen((s) => messageRows(s, "ben", "@ana look at this").length > 0, {
    what: "the first mention",
  });

  await term.typeLine("/mentions");
  const screen = await waitForRow(term, "* ben and @ANA in the lab");
  const heading = screen.lines.indexOf("-- Mentions of you:");
  assert(heading >= 0, `a heading\n${showScreen(screen)}`);
  const rows = screen.lines.slice(heading + 1, heading + 3);
  assert(/^ {3}\d\d:\d\d lobby <ben> @ana look at this$/.test(rows[0]), showScreen(screen));
  assert(/^ {3}\d\d:\d\d lab \* ben and @ANA in the lab$/.test(rows[1]), showScreen(screen));
  assert(!screen.lines.slice(heading).some((line) => line.includes("nothing for ana")));
  await term.waitForScreen(atEmptyPrompt, { what: "the prompt below the list" });
});

Deno.test("What the terminal shows is read: another device of the person hears it once in a while, not per message", async () => {
  await using server = await startServer({ quiet: true });
  await using home = await makeTempDir();
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await using term = await joinOnTerminal(server, ["--nick", "ana"], {
    CHAT_PASSKEY: server.passkey,
    CHAT_CONFIG_DIR: home.path,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });
  await using phone = await TestClient.join(server.port, {
    nick: "ana_phone",
    passkey: server.passkey,
    device: await deviceOf(home.path, server.address, "ana"),
    room: "lab",
  });

  let last: Received | undefined;
  for (let i = 1; i <= 10; i++) last = await ben.send(`line ${i}`);
  await term.waitForScreen((s) => messageRows(s, "ben", "line 10").length > 0, {
    what: "ben's last line on the terminal",
  });
  await phone.waitFor((m) => m.type === "read_marker" && m.room === "lobby" && m.id === last!.id, {
    what: "the read marker of the lobby up to ben's last line",
  });
  const markers = phone.messages.filter((m) => m.type === "read_marker");
  assert(markers.length <= 2, `at most two reports for ten lines: ${JSON.stringify(markers)}`);
});

Deno.test("typing: ben's signal shows before ana's prompt until his message; ana typing a line tells ben, a command does not", async () => {
  await using server = await startServer({ quiet: true });
  await using home = await makeTempDir();
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await using term = await joinOnTerminal(server, ["--nick", "ana"], {
    CHAT_PASSKEY: server.passkey,
    CHAT_CONFIG_DIR: home.path,
  });
  await term.waitForScreen(atEmptyPrompt, { what: `the ${PROMPT} prompt` });

  await ben.sendMessage({ type: "typing" });
  await term.waitForScreen(emptyPromptOf(`(ben is typing…) ${PROMPT.slice(0, -1)}`), {
    what: "ben typing, before the prompt",
  });
  await ben.send("done typing");
  await term.waitForScreen(
    (s) => hasRow(s, "<ben> done typing") && atEmptyPrompt(s),
    { what: "ben's message, and the prompt without him typing" },
  );

  // A command typed is not a message being typed; a line is.
  const before = ben.mark();
  await term.sendKeys("/who");
  await term.waitForScreen((s) => s.cursorLine === `${PROMPT} /who`, { what: "/who typed" });
  await term.press("C-u");
  await term.sendKeys("hel");
  const signal = await ben.waitFor((m) => m.type === "typing", {
    since: before,
    what: "ana's typing signal at ben",
  });
  assertEquals(signal, { type: "typing", from: "ana", room: "lobby" });
  await term.sendKeys("lo");
  await term.press("Enter");
  const said = await ben.waitFor((m) => m.type === "message", { since: before, what: "hello" });
  assertEquals(said.text, "hello");
  assertEquals(
    ben.messages.slice(before).filter((m) => m.type === "typing").length,
    1,
    "one signal for one line typed within three seconds",
  );
});
