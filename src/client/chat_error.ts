/**
 * A failure the user should hear about in one sentence: a wire error from the server (its
 * `code` is the protocol's error code) or a network failure (`connection_refused`,
 * `unknown_host`, `timeout`, `closed`).
 */
export class ChatError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "ChatError";
    this.code = code;
  }
}
