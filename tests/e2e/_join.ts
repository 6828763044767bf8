import { type CliOptions, CliProcess } from "./_cli.ts";

/** One `--json` output line of `chat join`. */
export interface JsonEvent {
  type: string;
  room?: string;
  from?: string;
  to?: string;
  text?: string;
  id?: number;
  ts?: string;
  history?: boolean;
  event?: string;
  nick?: string;
  [field: string]: unknown;
}

/**
 * Options of {@linkcode runJoin} and {@linkcode spawnJoin}; `netns` and `permissions` as for a
 * CLI process.
 */
export interface JoinOptions extends Pick<CliOptions, "netns" | "permissions"> {
  /** Given to the client as `CHAT_PASSKEY`. */
  passkey?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long the client may take to finish. */
  timeoutMs?: number;
}

/** What a finished `chat join` left behind. */
export interface JoinResult {
  code: number;
  /** Stdout lines. */
  stdout: string[];
  /** Stdout lines that parse as JSON objects. */
  events: JsonEvent[];
  /** All of stderr. */
  stderr: string;
  /** Stderr lines. */
  stderrLines: string[];
}

function parseEvent(line: string): JsonEvent | undefined {
  try {
    const value = JSON.parse(line);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch {
    // Not a JSON line (plain output mode, or a bug the tests will report).
  }
  return undefined;
}

function joinEnv(options: JoinOptions): Record<string, string> {
  return {
    ...options.env,
    ...(options.passkey === undefined ? {} : { CHAT_PASSKEY: options.passkey }),
  };
}

/** Collects what a finished CLI process left behind. */
export function toJoinResult(cli: CliProcess, status: Deno.CommandStatus): JoinResult {
  const stdout = [...cli.stdout.lines];
  return {
    code: status.code,
    stdout,
    events: stdout.map(parseEvent).filter((event) => event !== undefined),
    stderr: cli.stderr.text,
    stderrLines: [...cli.stderr.lines],
  };
}

async function finish(cli: CliProcess, timeoutMs?: number): Promise<JoinResult> {
  await cli.closeStdin();
  return toJoinResult(cli, await cli.wait({ timeoutMs }));
}

/**
 * Runs `chat join ...args` to completion with `stdin` piped in (lines get a "\n" each; a
 * string is written as is), and returns its exit code and output. Kills it on timeout.
 */
export async function runJoin(
  args: readonly string[],
  options: JoinOptions & { stdin?: string | readonly string[] } = {},
): Promise<JoinResult> {
  await using cli = new CliProcess(["join", ...args], {
    env: joinEnv(options),
    netns: options.netns,
    permissions: options.permissions,
  });
  const input = typeof options.stdin === "string"
    ? options.stdin
    : (options.stdin ?? []).map((line) => `${line}\n`).join("");
  // A client that exits early (wrong passkey) breaks the pipe; its exit code tells the story.
  if (input.length > 0) await cli.write(input).catch(() => {});
  return await finish(cli, options.timeoutMs);
}

/** Options of {@linkcode JoinClient.waitFor}. */
export interface EventWaitOptions {
  /** For the failure message: "bob's message". */
  what?: string;
  timeoutMs?: number;
  /** Only consider events from this index on (see {@linkcode JoinClient.mark}). */
  since?: number;
}

/** A long-lived `chat join --json` whose stdin the test keeps open. */
export class JoinClient implements AsyncDisposable {
  readonly process: CliProcess;
  #parsed: (JsonEvent | undefined)[] = [];

  constructor(args: readonly string[], options: JoinOptions = {}) {
    this.process = new CliProcess(["join", ...args], {
      env: joinEnv(options),
      netns: options.netns,
      permissions: options.permissions,
    });
  }

  /** Every JSON line so far, in order. */
  get events(): JsonEvent[] {
    const lines = this.process.stdout.lines;
    for (let i = this.#parsed.length; i < lines.length; i++) {
      this.#parsed.push(parseEvent(lines[i]));
    }
    return this.#parsed.filter((event) => event !== undefined);
  }

  /** The number of events so far: pass it as `since` to wait only for newer ones. */
  mark(): number {
    return this.events.length;
  }

  /** Sends one stdin line. */
  write(line: string): Promise<void> {
    return this.process.write(`${line}\n`);
  }

  /** Resolves with the first event (from `since` on) that `predicate` accepts. */
  waitFor(
    predicate: (event: JsonEvent) => boolean,
    options: EventWaitOptions = {},
  ): Promise<JsonEvent> {
    return this.process.stdout.until(() => this.events.slice(options.since ?? 0).find(predicate), {
      what: `${options.what ?? "an event"} on the stdout of chat ${this.process.args.join(" ")}`,
      timeoutMs: options.timeoutMs,
      context: () => this.process.describe(),
    });
  }

  /** Resolves once the client is connected: `/who` got its `system` answer. */
  async ready(options: { timeoutMs?: number } = {}): Promise<void> {
    const since = this.mark();
    await this.write("/who");
    // Other system lines (welcome, history end) may come first; the /who answer is "users".
    await this.waitFor(
      (e) => e.type === "system" && (e.event === undefined || e.event === "users"),
      {
        since,
        what: "the system reply to /who (is the client connected?)",
        timeoutMs: options.timeoutMs,
      },
    );
  }

  /** Closes stdin and waits for the client to finish on its own. */
  close(options: { timeoutMs?: number } = {}): Promise<JoinResult> {
    return finish(this.process, options.timeoutMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.process[Symbol.asyncDispose]();
  }
}

/** Starts `chat join ...args` (add `--json` yourself) and returns it without waiting. */
export function spawnJoin(args: readonly string[], options: JoinOptions = {}): JoinClient {
  return new JoinClient(args, options);
}
