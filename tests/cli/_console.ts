/** What a function printed with `console.log` and `console.error`, line by line. */
export interface Printed<T> {
  result: T;
  stdout: string[];
  stderr: string[];
}

/**
 * Runs `fn` with `console.log` and `console.error` recorded instead of printed, so a test can
 * check what the CLI says without spawning it.
 */
export async function printedBy<T>(fn: () => Promise<T>): Promise<Printed<T>> {
  const { log, error } = console;
  const stdout: string[] = [];
  const stderr: string[] = [];
  console.log = (...data: unknown[]) => stdout.push(...data.join(" ").split("\n"));
  console.error = (...data: unknown[]) => stderr.push(...data.join(" ").split("\n"));
  try {
    return { result: await fn(), stdout, stderr };
  } finally {
    console.log = log;
    console.error = error;
  }
}
