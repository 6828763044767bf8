/**
 * `chat join` on a tmux terminal, and how the tests read its screen: the prompt, and chat
 * messages as render.ts draws them.
 *
 * @module
 */
import type { ChatServer } from "../e2e/_helpers.ts";
import { cliArgv } from "../support/mod.ts";
import { type Screen, TmuxSession } from "./_tmux.ts";

/** The prompt of a client in the lobby. */
export const PROMPT = "lobby>";

/** `chat join ADDRESS ...args` on a 120×40 tmux terminal. */
export function joinOnTerminal(
  server: ChatServer,
  args: readonly string[],
  env: Record<string, string>,
): Promise<TmuxSession> {
  return TmuxSession.start(cliArgv(["join", server.address, ...args]), { env });
}

/** Rows showing `<nick> text` as render.ts draws a chat message: `HH:MM <nick> text`. */
export function messageRows(screen: Screen, nick: string, text: string): string[] {
  return screen.lines.filter((line) =>
    /^\d\d:\d\d </.test(line) && line.endsWith(`<${nick}> ${text}`)
  );
}

/** The empty lobby prompt with the cursor after it: the client is ready for input. */
export function atEmptyPrompt(screen: Screen): boolean {
  return screen.cursorLine === PROMPT && screen.cursor.x === `${PROMPT} `.length;
}

/** One character of a row read with `capture-pane -e`, and how it is drawn. */
export interface Cell {
  char: string;
  bold: boolean;
  reverse: boolean;
}

/**
 * The characters of a row read with its escape sequences, each with the bold and reverse video
 * attributes the SGR sequences before it leave on. Colours are skipped, extended ones
 * (`38;5;N`, `48;2;R;G;B`) with their arguments.
 */
export function cells(row: string): Cell[] {
  const out: Cell[] = [];
  let bold = false;
  let reverse = false;
  // deno-lint-ignore no-control-regex
  const parts = row.split(/(\x1b\[[\d;]*m)/);
  for (const part of parts) {
    if (!part.startsWith("\x1b[")) {
      for (const char of part) out.push({ char, bold, reverse });
      continue;
    }
    const codes = part.slice(2, -1).split(";").map((code) => code === "" ? 0 : Number(code));
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code === 0) [bold, reverse] = [false, false];
      else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code === 7) reverse = true;
      else if (code === 27) reverse = false;
      else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : 4;
    }
  }
  return out;
}
