/**
 * Helpers for the file-sharing end-to-end tests: random bytes and files hashed a piece at a
 * time (random files themselves come from tests/support/), a `chat serve` with `--max-file-size`, and runs of `send-file`, `get` and `files` with
 * their own working directory, binary stdin and (for `get -o -`) binary stdout.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { join } from "@std/path";
import { cliArgv, DEFAULT_TIMEOUT_MS, fillRandom, withTimeout } from "../support/mod.ts";
import { LineCollector } from "./_lines.ts";
import { type ChatServer, startServer } from "./_server.ts";
import { tail } from "./_wait.ts";

/** Files are hashed, and binary stdin written, in pieces of this size. */
const WRITE_PIECE = 1024 * 1024;

/** 1 MiB. */
export const MIB = 1024 * 1024;

/** `size` random bytes, for small files and stdin. */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  return fillRandom(new Uint8Array(size));
}

/** SHA-256 of a file as lowercase hex, read a piece at a time. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  const piece = new Uint8Array(WRITE_PIECE);
  while (true) {
    const read = await file.read(piece);
    if (read === null) break;
    hash.update(piece.subarray(0, read));
  }
  return hash.digest("hex");
}

/** SHA-256 of `bytes` as lowercase hex, with `crypto.subtle`. */
export async function sha256Bytes(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The names in `dir`, sorted; hidden ones too. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** Size of `path` in bytes, or `undefined` if it does not exist. */
export async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Polls `check` every `intervalMs` until it returns something other than `undefined`; rejects
 * after `timeoutMs` with `what` and `context()`. For conditions on disk, where nothing notifies.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { what: string; timeoutMs?: number; intervalMs?: number; context?: () => string },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      const context = options.context ? `\n${options.context()}` : "";
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what}.${context}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}

/** The `*.part` files in a server's `DATA/files/partial/` with their sizes. */
export async function serverPartials(dataDir: string): Promise<{ name: string; size: number }[]> {
  const dir = join(dataDir, "files", "partial");
  const found: { name: string; size: number }[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".part")) continue;
      const size = await sizeOf(join(dir, entry.name));
      if (size !== undefined) found.push({ name: entry.name, size });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

/** Options of {@linkcode FileCli}. */
export interface FileCliOptions {
  /** The child's working directory. */
  cwd?: string;
  /** Given as `CHAT_PASSKEY`. */
  passkey?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** `"piped"` to feed stdin with {@linkcode FileCli.write}; no stdin at all unless told. */
  stdin?: "piped" | "null";
  /** Keep stdout as raw bytes (for `get -o -`) instead of splitting it into lines. */
  binaryStdout?: boolean;
}

function childEnv(options: FileCliOptions): Record<string, string> {
  const env = Deno.env.toObject();
  // A passkey in the runner's environment would silently change what the tests check.
  delete env.CHAT_PASSKEY;
  return {
    ...env,
    ...options.env,
    ...(options.passkey === undefined ? {} : { CHAT_PASSKEY: options.passkey }),
  };
}

async function collectBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      length += chunk.byteLength;
    }
  } catch {
    // The stream errors when the child is killed mid-write; what was read is kept.
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * One run of `deno run main.ts ...args` for the file commands: like {@linkcode CliProcess},
 * plus a working directory, no stdin unless asked, binary stdin and optionally binary stdout.
 * Disposing kills the child if it still runs and waits until it and its pipes are released.
 */
export class FileCli implements AsyncDisposable {
  /** The arguments after `main.ts`. */
  readonly args: readonly string[];
  /** Stdout line by line (empty with `binaryStdout`). */
  readonly stdout: LineCollector;
  /** Stdout as bytes once it ended (empty unless `binaryStdout`). */
  readonly stdoutBytes: Promise<Uint8Array<ArrayBuffer>>;
  /** Stderr line by line. */
  readonly stderr: LineCollector;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #exited = false;

  constructor(args: readonly string[], options: FileCliOptions = {}) {
    this.args = args;
    const [command, ...commandArgs] = cliArgv(args);
    this.#child = new Deno.Command(command, {
      args: commandArgs,
      cwd: options.cwd,
      env: childEnv(options),
      clearEnv: true,
      stdin: options.stdin ?? "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (options.stdin === "piped") this.#stdin = this.#child.stdin.getWriter();
    if (options.binaryStdout) {
      this.stdoutBytes = collectBytes(this.#child.stdout);
      this.stdout = new LineCollector(ReadableStream.from<Uint8Array>([]));
    } else {
      this.stdout = new LineCollector(this.#child.stdout);
      this.stdoutBytes = this.stdout.done.then(() => new Uint8Array(0));
    }
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

  /** Writes bytes to the child's stdin (`stdin: "piped"` only). */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#stdin === undefined) throw new Error("This FileCli was started without stdin.");
    await this.#stdin.write(bytes);
  }

  /** Ends the child's stdin. Safe to call twice or after the child exited. */
  async closeStdin(): Promise<void> {
    const stdin = this.#stdin;
    this.#stdin = undefined;
    await stdin?.close().catch(() => {});
  }

  /** Sends `signal` unless the child has exited. */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    if (this.#exited) return;
    try {
      this.#child.kill(signal);
    } catch {
      // It exited between the check and the signal.
    }
  }

  /** Waits for the exit status and both outputs; on timeout kills the child and rejects. */
  async wait(options: { timeoutMs?: number } = {}): Promise<FileCliResult> {
    const all = Promise.all([this.status, this.stdoutBytes, this.stderr.done, this.stdout.done]);
    try {
      const [status, bytes] = await withTimeout(all, {
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        what: `chat ${this.args.join(" ")} to exit`,
        context: () => this.describe(),
      });
      return {
        code: status.code,
        signal: status.signal,
        stdout: [...this.stdout.lines],
        stdoutBytes: bytes,
        stderr: this.stderr.text,
        stderrLines: this.stderr.lines.filter((line) => line.trim() !== ""),
        describe: this.describe(),
      };
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
    await Promise.all([this.status, this.stdoutBytes, this.stderr.done, this.stdout.done]);
  }
}

/** What a finished file command left behind. */
export interface FileCliResult {
  code: number;
  signal: Deno.Signal | null;
  /** Stdout lines (none with `binaryStdout`). */
  stdout: string[];
  /** Stdout bytes (only with `binaryStdout`). */
  stdoutBytes: Uint8Array<ArrayBuffer>;
  /** All of stderr. */
  stderr: string;
  /** Non-empty stderr lines. */
  stderrLines: string[];
  /** Command, stdout and stderr, for assertion messages. */
  describe: string;
}

/** Runs `chat ...args` to completion, feeding `stdin` bytes if given. */
export async function runFileCli(
  args: readonly string[],
  options: FileCliOptions & { input?: Uint8Array; timeoutMs?: number } = {},
): Promise<FileCliResult> {
  const piped = options.input !== undefined || options.stdin === "piped";
  await using cli = new FileCli(args, { ...options, stdin: piped ? "piped" : "null" });
  if (options.input !== undefined) {
    // A child that refuses early breaks the pipe; its exit code tells the story.
    for (let at = 0; at < options.input.byteLength; at += WRITE_PIECE) {
      await cli.write(options.input.subarray(at, at + WRITE_PIECE)).catch(() => {});
    }
  }
  await cli.closeStdin();
  return await cli.wait({ timeoutMs: options.timeoutMs });
}

/** The id `send-file` printed as the last line of its stdout, or `undefined`. */
export function printedId(result: FileCliResult): number | undefined {
  const last = result.stdout.filter((line) => line.trim() !== "").at(-1)?.trim();
  return last !== undefined && /^\d+$/.test(last) ? Number(last) : undefined;
}

/** The server the file commands talk to: `chat serve` from either helper. */
export type FileServer = Pick<ChatServer, "address" | "passkey" | "dataDir">;

/**
 * `chat send-file SERVER ...args` with the server's passkey; fails unless it exits 0 and prints
 * an id, which it returns with the result.
 */
export async function sendFile(
  server: FileServer,
  args: readonly string[],
  options: FileCliOptions & { input?: Uint8Array; timeoutMs?: number } = {},
): Promise<{ id: number; result: FileCliResult }> {
  const result = await runFileCli(["send-file", server.address, ...args], {
    passkey: server.passkey,
    ...options,
  });
  const id = printedId(result);
  if (result.code !== 0 || id === undefined) {
    throw new Error(`send-file failed or printed no id (exit ${result.code}):\n${result.describe}`);
  }
  return { id, result };
}

/** One line of `chat files --json`. */
export interface FileEntry {
  id: number;
  name: string;
  size: number;
  sha256: string;
  from: string;
  room: string;
  ts: string;
  [field: string]: unknown;
}

/** `chat files SERVER --json ...args`, parsed; fails unless it exits 0 with JSON lines. */
export async function listFiles(
  server: FileServer,
  args: readonly string[] = [],
): Promise<FileEntry[]> {
  const result = await runFileCli(["files", server.address, "--json", ...args], {
    passkey: server.passkey,
  });
  if (result.code !== 0) {
    throw new Error(`chat files failed (exit ${result.code}):\n${result.describe}`);
  }
  return result.stdout.filter((line) => line.trim() !== "").map((line) => {
    try {
      return JSON.parse(line) as FileEntry;
    } catch {
      throw new Error(`chat files --json printed a line that is not JSON: ${line}`);
    }
  });
}

/** Options of {@linkcode startFileServer}. */
export interface FileServerOptions {
  /** `--max-file-size VALUE`, e.g. `1000` or `"10M"`. */
  maxFileSize?: number | string;
  /** Reuse this data dir (the caller removes it); a fresh temporary one unless told. */
  dataDir?: string;
  /** `--quiet`. */
  quiet?: boolean;
}

/** A running `chat serve` started by {@linkcode startFileServer}. */
export type FileChatServer = ChatServer;

/**
 * Starts `chat serve` on 127.0.0.1, port 0, with the options only file tests need, and waits
 * for its join and passkey lines.
 */
export function startFileServer(options: FileServerOptions = {}): Promise<FileChatServer> {
  const extraArgs = options.maxFileSize === undefined
    ? []
    : ["--max-file-size", String(options.maxFileSize)];
  return startServer({ dataDir: options.dataDir, quiet: options.quiet, extraArgs });
}

/**
 * Renames stored file `id` in a stopped server's `DATA/chat.db`, bypassing the server's own
 * sanitizing, to play a hostile or buggy server: what `chat get` then receives is `name`.
 */
export function renameStoredFile(dataDir: string, id: number, name: string): void {
  const db = new DatabaseSync(join(dataDir, "chat.db"));
  try {
    const changed = db.prepare("UPDATE events SET file_name = ? WHERE id = ? AND type = 'file'")
      .run(name, id).changes;
    if (Number(changed) !== 1) throw new Error(`No stored file ${id} in ${dataDir}/chat.db`);
  } finally {
    db.close();
  }
}
