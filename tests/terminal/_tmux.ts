/**
 * Drives a program on a real terminal: a detached tmux session on its own server socket, with
 * keys sent and the screen read back through the tmux CLI. Everything is released on dispose,
 * so tests hold a session with `await using`.
 *
 * @module
 */

/** Default time {@linkcode TmuxSession.waitForScreen} waits before failing. */
export const SCREEN_TIMEOUT_MS = 10_000;

const POLL_MS = 50;
const SESSION = "chat-test";
// Printed by `display-message` before the pane contents, so one tmux call reads both.
const STATE_FORMAT = "#{cursor_x} #{cursor_y} #{@bells}|#{pane_title}";
// Counts the bells (BEL) the program rings in the user option @bells: tmux runs the alert-bell
// hook for each bell it notices (with monitor-bell on), as it would alert an attached user.
const COUNT_BELLS = 'set-option -gF @bells "#{e|+:#{@bells},1}"';
// The program runs under a shell that prints its exit status and keeps the pane open. tmux's
// own `#{pane_dead_status}` is not used: tmux 3.3a left an exited `deno` pane process an
// unreaped zombie in about half of the runs, so the status never arrived.
const EXIT_MARKER = "[tmux-session] exit status ";
const WRAPPER = `"$@"; status=$?; printf '\\n${EXIT_MARKER}%s\\n' "$status"; exec sleep 600`;

/** What the terminal shows at one moment. */
export interface Screen {
  /** The visible rows joined with "\n", trailing spaces of each row removed. */
  text: string;
  /** The visible rows. */
  lines: string[];
  /** Where the cursor is, zero-based. */
  cursor: { x: number; y: number };
  /** The row the cursor is on. */
  cursorLine: string;
  /** The last row that is not blank (`""` on an empty screen). */
  lastLine: string;
  /** The window title the program set (OSC 0/2), or tmux's default (the host name). */
  title: string;
  /** The exit status once the program has ended (shown on the last line), else `undefined`. */
  exitStatus: number | undefined;
  /**
   * How often the program has rung the terminal bell (BEL) since it started. Bells that reach
   * tmux in one read count once, as tmux alerts once for them.
   */
  bells: number;
}

/** Options of {@linkcode TmuxSession.start}. */
export interface TmuxOptions {
  /** Columns; 120 unless told. */
  width?: number;
  /** Rows; 40 unless told. */
  height?: number;
  /**
   * Extra environment variables of the program. It otherwise gets the test runner's, without
   * `CHAT_PASSKEY`, `NO_COLOR` and tmux's own, so that they never leak into a test by accident.
   */
  env?: Record<string, string>;
}

/** Options of {@linkcode TmuxSession.waitForScreen}. */
export interface ScreenWaitOptions {
  /** For the failure message: "the lobby prompt". */
  what?: string;
  /** {@linkcode SCREEN_TIMEOUT_MS} unless told. */
  timeoutMs?: number;
  /** Read the screen with its colours and attributes as escape sequences (`capture-pane -e`). */
  escapes?: boolean;
}

const INHERITED_NOT = ["CHAT_PASSKEY", "NO_COLOR", "TMUX", "TMUX_PANE", "TMUX_TMPDIR"];

function tmuxEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of INHERITED_NOT) delete env[name];
  return { ...env, ...extra };
}

function exitStatus(lines: readonly string[]): number | undefined {
  const marker = lines.findLast((line) => line.startsWith(EXIT_MARKER));
  return marker === undefined ? undefined : Number(marker.slice(EXIT_MARKER.length));
}

/** The screen as a test failure shows it: numbered rows, the cursor row marked. */
export function showScreen(screen: Screen): string {
  const last = screen.lines.findLastIndex((line) => line.trim() !== "");
  const rows = screen.lines.slice(0, Math.max(last, screen.cursor.y) + 1).map((line, y) =>
    `${y === screen.cursor.y ? ">" : " "}${String(y).padStart(3)} | ${JSON.stringify(line)}`
  );
  const status = screen.exitStatus === undefined ? "running" : `exited ${screen.exitStatus}`;
  return `Screen (cursor at ${screen.cursor.x},${screen.cursor.y}; title ${
    JSON.stringify(screen.title)
  }; bells ${screen.bells}; ${status}):\n${rows.join("\n")}`;
}

/**
 * One program running in a detached `tmux new-session -x 120 -y 40` on a private tmux server
 * (`tmux -L <unique name>`). The pane stays after the program exits, showing its last screen
 * and a final line with its exit status.
 *
 * @example
 * ```ts
 * await using term = await TmuxSession.start(["sh", "-c", "read x; echo got $x"]);
 * await term.sendKeys("hi");
 * await term.press("Enter");
 * await term.waitForScreen((s) => s.text.includes("got hi"), { what: "the echo" });
 * ```
 */
export class TmuxSession implements AsyncDisposable {
  /** The `-L` name of the private tmux server. */
  readonly socketName: string;
  /** The program and its arguments. */
  readonly command: readonly string[];
  #socketPath = "";
  #panePid = 0;
  #killed = false;

  private constructor(socketName: string, command: readonly string[]) {
    this.socketName = socketName;
    this.command = command;
  }

  /** Starts `command` (an argument list, not a shell line) on a new terminal. */
  static async start(command: readonly string[], options: TmuxOptions = {}): Promise<TmuxSession> {
    const session = new TmuxSession(`chat-test-${Deno.pid}-${crypto.randomUUID()}`, command);
    const size = [`${options.width ?? 120}`, `${options.height ?? 40}`];
    // One client invocation: the option is set before the pane can possibly exit.
    await session.#tmux([
      "-f",
      "/dev/null",
      "start-server",
      ";",
      "set-option",
      "-g",
      "remain-on-exit",
      "on",
      ";",
      "set-option",
      "-g",
      "monitor-bell",
      "on",
      ";",
      "set-option",
      "-g",
      "@bells",
      "0",
      ";",
      "set-hook",
      "-g",
      "alert-bell",
      COUNT_BELLS,
      ";",
      "new-session",
      "-d",
      "-s",
      SESSION,
      "-x",
      size[0],
      "-y",
      size[1],
      "--",
      "sh",
      "-c",
      WRAPPER,
      "sh",
      ...command,
    ], tmuxEnv(options.env)).catch((error) => {
      throw new Error(
        `Could not start tmux; the terminal tests need it (apt-get install -y tmux). ${error}`,
      );
    });
    try {
      const [pid, socketPath] = (await session.#tmux([
        "display-message",
        "-p",
        "-t",
        SESSION,
        "#{pane_pid} #{socket_path}",
      ])).trim().split(" ");
      session.#panePid = Number(pid);
      session.#socketPath = socketPath;
    } catch (error) {
      await session.kill();
      throw error;
    }
    return session;
  }

  /** Types `text` literally (`send-keys -l`); no Enter. */
  async sendKeys(text: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", SESSION, "-l", "--", text]);
  }

  /** Presses named keys, such as `Enter`, `BSpace` or `C-c`. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux(["send-keys", "-t", SESSION, "--", ...keys]);
  }

  /** Types `text` and presses Enter. */
  async typeLine(text: string): Promise<void> {
    await this.sendKeys(text);
    await this.press("Enter");
  }

  /** Reads the screen (`capture-pane -p`, with `-e` when `escapes` is set) and the cursor. */
  async capture(options: { escapes?: boolean } = {}): Promise<Screen> {
    const output = await this.#tmux([
      "display-message",
      "-p",
      "-t",
      SESSION,
      STATE_FORMAT,
      ";",
      "capture-pane",
      "-p",
      ...(options.escapes ? ["-e"] : []),
      "-t",
      SESSION,
    ]);
    const newline = output.indexOf("\n");
    const state = output.slice(0, newline);
    const bar = state.indexOf("|");
    const [x, y, bells] = state.slice(0, bar).split(" ");
    const lines = output.slice(newline + 1).replace(/\n$/, "").split("\n")
      .map((line) => line.trimEnd());
    const cursor = { x: Number(x), y: Number(y) };
    return {
      text: lines.join("\n"),
      lines,
      cursor,
      cursorLine: lines[cursor.y] ?? "",
      lastLine: lines.findLast((line) => line.trim() !== "") ?? "",
      title: state.slice(bar + 1),
      exitStatus: exitStatus(lines),
      bells: Number(bells),
    };
  }

  /**
   * Reads the screen every 50 ms until `predicate` accepts it, and resolves with that screen.
   * Rejects after the timeout with the screen as it last was.
   */
  async waitForScreen(
    predicate: (screen: Screen) => boolean,
    options: ScreenWaitOptions = {},
  ): Promise<Screen> {
    const timeoutMs = options.timeoutMs ?? SCREEN_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.capture({ escapes: options.escapes });
      if (predicate(screen)) return screen;
      if (Date.now() >= deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${options.what ?? "the screen"} on ` +
            `the terminal of ${this.command.join(" ")}.\n${showScreen(screen)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Waits for the program to end and resolves with its exit status and last screen. */
  async waitForExit(options: { timeoutMs?: number } = {}): Promise<Screen> {
    return await this.waitForScreen((screen) => screen.exitStatus !== undefined, {
      what: "the program to exit",
      timeoutMs: options.timeoutMs,
    });
  }

  /** Kills the program if it still runs, then the tmux server, and removes its socket. */
  async kill(): Promise<void> {
    if (this.#killed) return;
    this.#killed = true;
    if (this.#panePid > 0) {
      try {
        // The pane's shell leads its own process group, which holds the program too.
        Deno.kill(-this.#panePid, "SIGKILL");
      } catch {
        // Everything in it has exited already.
      }
    }
    await this.#tmux(["kill-server"]).catch(() => {});
    if (this.#socketPath !== "") await Deno.remove(this.#socketPath).catch(() => {});
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }

  async #tmux(args: string[], env?: Record<string, string>): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.socketName, ...args],
      env: env ?? tmuxEnv(),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    if (!output.success) {
      throw new Error(
        `tmux ${args.join(" ")} failed with status ${output.code}: ${
          decoder.decode(output.stderr).trim()
        }`,
      );
    }
    return decoder.decode(output.stdout);
  }
}
