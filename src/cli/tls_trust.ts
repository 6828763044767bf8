import * as colors from "@std/fmt/colors";
import { ChatError, KnownServers, type TlsTrust } from "../client/mod.ts";
import { parseFingerprint } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";

/**
 * The TLS options every client command takes, declared once for all of them.
 *
 * @example
 * ```ts
 * import { CLIENT_TLS_FLAGS } from "./tls_trust.ts";
 * import { defineFlags } from "./flags/mod.ts";
 * const FILES_FLAGS = defineFlags({
 *   json: { kind: "boolean", help: "one JSON object per line" },
 *   ...CLIENT_TLS_FLAGS,
 * });
 * ```
 */
export const CLIENT_TLS_FLAGS = defineFlags({
  tls: { kind: "boolean", help: "connect with TLS (also implied by --fingerprint)" },
  fingerprint: {
    kind: "string",
    value: "FP",
    help: "the server certificate's SHA-256 fingerprint, as chat serve printed it",
  },
});

/**
 * The TLS policy of the client commands: a certificate must match `--fingerprint` when one is
 * given; otherwise one from a trusted CA passes as usual, and a self-signed one must match the
 * fingerprint remembered for that server,
 * or, the first time and on a terminal, be confirmed by the user and then remembered (trust on
 * first use). A changed fingerprint is refused loudly, as SSH does.
 */
export function tlsTrust(flags: Flags<typeof CLIENT_TLS_FLAGS>): TlsTrust | undefined {
  const given = flags.fingerprint;
  if (!flags.tls && given === undefined) return undefined;
  const pinned = given === undefined ? undefined : parseFingerprint(given);
  if (given !== undefined && pinned === undefined) {
    throw new CliError(
      `--fingerprint "${given}" is not a SHA-256 fingerprint; copy it as chat serve printed it.`,
      ExitCode.USAGE,
    );
  }
  const known = new KnownServers();
  return {
    async check(fingerprint, { where, authorized }) {
      // An explicit pin holds even for a certificate a CA vouches for.
      if (pinned !== undefined) {
        if (fingerprint !== pinned) {
          throw new ChatError(
            "tls_untrusted",
            `The server at ${where} presents certificate ${fingerprint}, not the ${pinned} given ` +
              "with --fingerprint; someone may be intercepting the connection.",
          );
        }
        await known.remember(where, fingerprint).catch(() => {});
        return;
      }
      if (authorized) return;
      const remembered = await known.get(where);
      if (remembered === fingerprint) return;
      if (remembered !== undefined) {
        throw new ChatError(
          "tls_changed",
          `WARNING: THE CERTIFICATE OF ${where} HAS CHANGED. It was ${remembered} and is now ` +
            `${fingerprint}. Someone may be intercepting the connection. If the server really ` +
            `has a new certificate, check its fingerprint and pass it with --fingerprint (or ` +
            `remove ${where} from ${known.path}).`,
        );
      }
      if (!Deno.stdin.isTerminal()) {
        throw new ChatError(
          "tls_untrusted",
          `The server at ${where} presents an unknown certificate ${fingerprint}; compare it ` +
            "with the fingerprint chat serve printed and pass it with --fingerprint.",
        );
      }
      console.error(`The server at ${where} presents a certificate with fingerprint`);
      console.error(`  ${colors.bold(fingerprint)}`);
      const answer = prompt("Is this the fingerprint chat serve printed? [y/N]");
      if (!/^y(es)?$/i.test(answer?.trim() ?? "")) {
        throw new ChatError("tls_untrusted", "Not connected: the certificate was not confirmed.");
      }
      await known.remember(where, fingerprint);
    },
  };
}
