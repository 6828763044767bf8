/** Exit codes of the CLI, documented in the README. */
export const ExitCode = {
  OK: 0,
  /** Network failure, server gone, a message refused, anything at run time. */
  FAILURE: 1,
  /** Bad command line. */
  USAGE: 2,
  /** The server refused the passkey. */
  BAD_PASSKEY: 3,
  /** The server refused the nick (taken or invalid). */
  BAD_NICK: 4,
  /** The server's TLS certificate could not be trusted. */
  UNTRUSTED: 5,
  /** Removed by the host: kicked or banned. */
  REMOVED: 6,
} as const;

/**
 * An error the CLI shows as one sentence on stderr before exiting with `exitCode`.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = ExitCode.FAILURE) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
