import { cliArgv, DEFAULT_TIMEOUT_MS, withTimeout } from "../support/mod.ts";
import { LineCollector } from "./_lines.ts";
import { tail } from "./_wait.ts";

/** Options of {@linkcode CliProcess}. */
export interface CliOptions {
  /** Extra environment variables. `CHAT_PASSKEY` is never inherited from the test runner. */
  env?: Record<string, string>;
  /**
   * A command that runs the program, its arguments before `deno`: `["prlimit",
   * "--nofile=512:512"]` runs it under a limit of 512 open files.
   */
  wrapper?: readonly string[];
  /** Run it inside this network namespace, with `ip netns exec` (root only; see _netns.ts). */
  netns?: string;
  /** The permissions to run it with; the CLI's documented ones unless told. */
  permissions?: readonly string[];
  /** Its working directory; the test's unless told. */
  cwd?: string;
}

const encoder = new TextEncoder();

/**
 * The config dir of every client the tests run, unless a test gives its own: the test process is
 * one machine, whose devices and known servers are its own, never the user's.
 */
const CONFIG_DIR = Deno.makeTempDirSync({ prefix: "chat-e2e-config-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(CONFIG_DIR, { recursive: true });
  } catch {
    // Already gone.
  }
});

function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  // A passkey in the runner's environment would silently change what the tests check.
  delete env.CHAT_PASSKEY;
  return { ...env, CHAT_CONFIG_DIR: CONFIG_DIR, ...extra };
}

/**
 * One run of `deno run main.ts ...args` with piped stdin, stdout and stderr. Output is read
 * continuously into {@linkcode LineCollector}s; disposing kills the child if it still runs and
 * waits until every stream and the process itself are released.
 */
export class CliProcess implements AsyncDisposable {
  /** The arguments after `main.ts`. */
  readonly args: readonly string[];
  /** Standard output, line by line. */
  readonly stdout: LineCollector;
  /** Standard error, line by line. */
  readonly stderr: LineCollector;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #stdinClosed = false;
  #exited = false;

  constructor(args: readonly string[], options: CliOptions = {}) {
    this.args = args;
    // `ip netns exec` execs the command in its place, so signals reach the program itself.
    const netns = options.netns === undefined ? [] : ["ip", "netns", "exec", options.netns];
    const [command, ...commandArgs] = [
      ...options.wrapper ?? [],
      ...netns,
      ...cliArgv(args, { permissions: options.permissions }),
    ];
    this.#child = new Deno.Command(command, {
      args: commandArgs,
      cwd: options.cwd,
      env: childEnv(options.env),
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.stdout = new LineCollector(this.#child.stdout);
    this.stderr = new LineCollector(this.#child.stderr);
    this.status = this.#child.status.then((status) => {
      this.#exited = true;
      return status;
    });
  }

  /** Whether the child has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The process id, for signals. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Writes `text` to the child's stdin as UTF-8. */
  async write(text: string): Promise<void> {
    try {
      await this.#stdin.write(encoder.encode(text));
    } catch (error) {
      throw new Error(
        `Could not write ${JSON.stringify(text.slice(0, 80))} to chat ${this.args[0]}: ${error}\n` +
          this.describe(),
      );
    }
  }

  /** Closes the child's stdin (end of input). Safe to call twice or after the child exited. */
  async closeStdin(): Promise<void> {
    if (this.#stdinClosed) return;
    this.#stdinClosed = true;
    try {
      await this.#stdin.close();
    } catch {
      // The child already exited and the pipe is broken: its input has ended either way.
    }
  }

  /** Sends `signal` to the child unless it has exited. */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (this.#exited) return;
    try {
      this.#child.kill(signal);
    } catch {
      // It exited between the check and the signal.
    }
  }

  /**
   * Waits for the exit status and the end of both output streams; on timeout kills the child
   * and rejects with its output.
   */
  async wait(options: { timeoutMs?: number; what?: string } = {}): Promise<Deno.CommandStatus> {
    const all = Promise.all([this.status, this.stdout.done, this.stderr.done]);
    try {
      const [status] = await withTimeout(all, {
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        what: options.what ?? `chat ${this.args.join(" ")} to exit`,
        context: () => this.describe(),
      });
      return status;
    } catch (error) {
      this.kill("SIGKILL");
      await all;
      throw error;
    }
  }

  /** Stdout and stderr so far, for failure messages. */
  describe(): string {
    return `chat ${this.args.join(" ")}\nstdout:\n${tail(this.stdout.lines)}\nstderr:\n${
      tail(this.stderr.lines)
    }`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.closeStdin();
    this.kill("SIGKILL");
    await Promise.all([this.status, this.stdout.done, this.stderr.done]);
  }
}

/** A temporary directory removed on dispose. */
export interface TempDir extends AsyncDisposable {
  path: string;
}

/** Creates a temporary directory for a server's data. */
export async function makeTempDir(): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix: "chat-e2e-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Whether `text` looks like a stack trace or an uncaught-error report. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at \S/m.test(text) || /Uncaught/.test(text) ||
    (/^error: /m.test(text) && /\.ts:\d+:\d+/.test(text));
}

/** Non-empty lines of `text`, with ANSI colour codes removed. */
export function meaningfulLines(lines: readonly string[]): string[] {
  return lines.map(stripAnsi).filter((line) => line.trim().length > 0);
}

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
}
