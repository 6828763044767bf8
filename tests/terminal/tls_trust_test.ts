import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { makeTempDir } from "../e2e/_helpers.ts";
import { startTlsServer, type TlsChatServer } from "../e2e/_tls_server.ts";
import { cliArgv } from "../support/mod.ts";
import { type Screen, showScreen, TmuxSession } from "./_tmux.ts";

const PROMPT = "lobby>";
const QUESTION = "Is this the fingerprint chat serve printed? [y/N]";

/** `chat join ADDRESS --tls --nick ada` on a 120×40 tmux terminal, passkey from the env. */
function joinOnTerminal(server: TlsChatServer, configDir: string): Promise<TmuxSession> {
  return TmuxSession.start(
    cliArgv(["join", server.address, "--tls", "--nick", "ada"]),
    { env: { CHAT_PASSKEY: server.passkey, CHAT_CONFIG_DIR: configDir } },
  );
}

/** Waits for the trust question and checks it shows the server's fingerprint above it. */
async function waitForQuestion(term: TmuxSession, server: TlsChatServer): Promise<Screen> {
  const screen = await term.waitForScreen((s) => s.cursorLine.startsWith(QUESTION), {
    what: "the fingerprint question",
  });
  const asked = screen.cursor.y;
  const above = screen.lines.slice(0, asked).join("\n");
  assertStringIncludes(above, `The server at ${server.address} presents a certificate`);
  assert(
    screen.lines.slice(0, asked).some((line) => line.trim() === server.fingerprint),
    `the fingerprint chat serve printed is shown on a line of its own\n${showScreen(screen)}`,
  );
  return screen;
}

async function knownServers(configDir: string): Promise<Record<string, string> | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(configDir, "known_servers.json"))).servers;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

Deno.test("On a terminal an unknown certificate is refused unless the user confirms its fingerprint", async (t) => {
  await using server = await startTlsServer();

  for (const { name, answer } of [{ name: "n", answer: "n" }, { name: "just Enter", answer: "" }]) {
    await t.step(`answering ${name} exits without connecting or remembering`, async () => {
      await using config = await makeTempDir();
      await using term = await joinOnTerminal(server, config.path);
      await waitForQuestion(term, server);
      await term.typeLine(answer);
      const screen = await term.waitForExit();
      assertEquals(
        screen.exitStatus,
        5,
        `exit 5: the certificate is not trusted\n${showScreen(screen)}`,
      );
      assertStringIncludes(screen.text, "not confirmed", showScreen(screen));
      assertFalse(screen.text.includes(PROMPT), `never reached the prompt\n${showScreen(screen)}`);
      assertEquals(await knownServers(config.path), undefined, "nothing remembered");
    });
  }
  assertFalse(/ada connected/.test(server.stderr.text), `no login:\n${server.stderr.text}`);

  await t.step("answering y connects and remembers the fingerprint", async () => {
    await using config = await makeTempDir();
    await using term = await joinOnTerminal(server, config.path);
    await waitForQuestion(term, server);
    await term.typeLine("y");
    const screen = await term.waitForScreen(
      (s) => s.cursorLine === PROMPT && s.cursor.x === `${PROMPT} `.length,
      { what: `the ${PROMPT} prompt` },
    );
    assertStringIncludes(screen.text, "You are in lobby with ada.", showScreen(screen));
    assertEquals(await knownServers(config.path), { [server.address]: server.fingerprint });
    await server.stderr.match(/ada connected/);
  });
});

Deno.test("On a terminal a user who takes longer than the server's handshake timeout to confirm still gets connected", async () => {
  // The default --handshake-timeout (5 s): the flag is the one a user would not think to raise.
  await using server = await startTlsServer();
  await using config = await makeTempDir();
  await using term = await joinOnTerminal(server, config.path);
  await waitForQuestion(term, server);
  // Comparing 32 bytes of hex takes a person longer than this; the server gives up meanwhile.
  await server.stderr.match(/closed: no handshake within/, { timeoutMs: 10_000 });
  await term.typeLine("y");
  // The prompt shows at welcome, and the room's line a moment later: wait for both.
  const screen = await term.waitForScreen(
    (s) =>
      s.exitStatus !== undefined ||
      (s.text.includes("You are in lobby with ada.") && s.cursorLine === PROMPT &&
        s.cursor.x === `${PROMPT} `.length),
    { what: `the ${PROMPT} prompt after the room's line` },
  );
  assertEquals(screen.exitStatus, undefined, `the client still runs\n${showScreen(screen)}`);
  assertStringIncludes(screen.text, "You are in lobby with ada.", showScreen(screen));
  assertEquals(await knownServers(config.path), { [server.address]: server.fingerprint });
});
