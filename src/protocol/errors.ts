/**
 * Error codes carried by `error` frames. Append-only: codes are never renamed or reused.
 */
export const ERROR_CODES = [
  "bad_frame",
  "frame_too_large",
  "unknown_frame_type",
  "bad_json",
  "unknown_type",
  "bad_request",
  "not_authenticated",
  "version_mismatch",
  "bad_passkey",
  "nick_invalid",
  "nick_taken",
  "room_invalid",
  "empty_message",
  "message_too_large",
  "no_such_user",
  "unsupported",
  "internal",
  "file_too_large",
  "no_such_file",
  "checksum_mismatch",
  "storage_failed",
  "bad_transfer",
  "upload_busy",
  "locked_out",
  "rate_limited",
  "too_many_connections",
  "rid_reused",
  "nick_owned",
  "bad_invite",
  "bad_device",
  "bad_link_code",
  "not_permitted",
  "kicked",
  "banned",
  "muted",
  "room_locked",
  "room_closed",
  "slow_mode",
  "no_such_message",
] as const;

/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/**
 * A protocol-level failure that can be reported to the peer as an `error` frame.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "./errors.ts";
 * const error = new ProtocolError("bad_json", "Frame payload is not valid JSON");
 * console.log(error.code, error.fatal); // bad_json false
 * ```
 */
export class ProtocolError extends Error {
  /** The wire error code. */
  readonly code: ErrorCode;
  /** Whether the connection must be closed after reporting it. */
  readonly fatal: boolean;
  /** For `rate_limited` and `locked_out`: milliseconds before trying again makes sense. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fatal?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
    this.fatal = options.fatal ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The `error` message that reports `error` to the peer.
 *
 * @example
 * ```ts
 * import { errorMessage, ProtocolError } from "./errors.ts";
 * errorMessage(new ProtocolError("no_such_user", "No user named bo is connected."), { rid: "7" });
 * ```
 */
export function errorMessage(
  error: ProtocolError,
  options: { rid?: string; transfer?: number; fatal?: boolean } = {},
): {
  type: "error";
  code: ErrorCode;
  message: string;
  fatal: boolean;
  rid?: string;
  transfer?: number;
  retry_after_ms?: number;
} {
  return {
    type: "error",
    code: error.code,
    message: error.message,
    fatal: options.fatal ?? error.fatal,
    rid: options.rid,
    transfer: options.transfer,
    ...(error.retryAfterMs === undefined ? {} : { retry_after_ms: error.retryAfterMs }),
  };
}
