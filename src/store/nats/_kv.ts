/**
 * What the key-value stores of this folder share: turning any text into one token of a key
 * (KV keys are NATS subjects: only `-/_=.` and ASCII letters and digits, `.` between tokens), and
 * recognising the refusal of a compare-and-set.
 *
 * @module
 */
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { NoRespondersError, RequestError, TimeoutError } from "@nats-io/transport-node";

/** The token of the empty text: `=` never appears in unpadded base64url. */
const EMPTY_TOKEN = "=";

/**
 * One key token that stands for `text`, whatever it holds (dots, spaces, any Unicode, NUL):
 * its UTF-8 bytes in unpadded base64url, or `=` for the empty text.
 *
 * @example
 * ```ts
 * import { keyToken, textOfToken } from "./_kv.ts";
 * keyToken("#lobby"); // "I2xvYmJ5"
 * textOfToken(keyToken("@zoë")); // "@zoë"
 * ```
 */
export function keyToken(text: string): string {
  return text === ""
    ? EMPTY_TOKEN
    : new TextEncoder().encode(text).toBase64({ alphabet: "base64url", omitPadding: true });
}

/** The text a {@linkcode keyToken} stands for. */
export function textOfToken(token: string): string {
  return token === EMPTY_TOKEN
    ? ""
    : new TextDecoder().decode(Uint8Array.fromBase64(token, { alphabet: "base64url" }));
}

/**
 * Whether `error` is JetStream refusing a write because the key moved on since it was read
 * (a compare-and-set lost): read again and retry.
 */
export function isConflict(error: unknown): boolean {
  return error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

/**
 * Whether `error` is one JetStream gives while it cannot store right now (a leader election,
 * a server restarting, no quorum): a timeout, no responder, "jetstream is not enabled", or a
 * 503. A publish that failed so may have been stored: try again with the same message id.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return error.status === 503;
  if (error instanceof RequestError) return error.isNoResponders();
  return error instanceof TimeoutError || error instanceof NoRespondersError ||
    (error instanceof Error && error.name === "JetStreamNotEnabled");
}
