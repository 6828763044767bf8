/**
 * One-shot commands the benchmarks time (socat, `chat get --help`, `chat send-file`): stdin
 * closed, output collected whole (they print a few lines), and the moment they ended taken as
 * soon as the process and its pipes are done, for transfer times.
 *
 * @module
 */

/** A child whose output is collected whole; fine for commands that print a few lines. */
export interface Running {
  /** The child's process id, for /proc. */
  pid: number;
  /** The command as started, for the report. */
  argv: readonly string[];
  /** Resolves when it has exited, with `performance.now()` at that moment. */
  finished: Promise<{ code: number; stdout: string; stderr: string; endedAt: number }>;
  /** Kills the child (SIGKILL) unless it has exited. */
  kill(): void;
}

/** Starts `argv` with stdin closed and stdout/stderr collected. */
export function spawn(
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Running {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const finished = (async () => {
    const [stdout, stderr, status] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.status,
    ]);
    return { code: status.code, stdout, stderr, endedAt: performance.now() };
  })();
  return {
    pid: child.pid,
    argv,
    finished,
    kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    },
  };
}

/** Runs `argv` to the end; throws with its stderr when it fails. */
export async function run(
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string; endedAt: number }> {
  const running = spawn(argv, options);
  const result = await running.finished;
  if (result.code !== 0) {
    throw new Error(`${argv.join(" ")} exited with ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}
