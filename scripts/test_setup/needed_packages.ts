/**
 * The Debian packages the test suite needs beyond Deno, one row each: the package, the file or
 * command whose presence proves it is installed, and who needs it. `deno task test` installs the
 * missing ones with apt-get where it may, and otherwise names them in its refusal, so a new need
 * is one more row here and nothing else.
 *
 * @module
 */

/** One Debian package the tests need. */
export interface NeededPackage {
  /** The Debian package, as `apt-get install` takes it. */
  readonly name: string;
  /**
   * What proves it is installed: an absolute path to an executable, or a command name looked up
   * on `PATH`.
   */
  readonly proof: string;
  /** Who needs it, as the subject of "… need chromium": `the browser tests`. */
  readonly neededBy: string;
}

/**
 * Every Debian package the suite needs, in the order they are named and installed.
 *
 * @example
 * ```ts
 * import { NEEDED_PACKAGES } from "./needed_packages.ts";
 * NEEDED_PACKAGES.map((row) => row.name); // ["chromium", "tmux", "openssl", "iproute2", "nats-server"]
 * ```
 */
export const NEEDED_PACKAGES: readonly NeededPackage[] = [
  // The path tests/browser/_browser.ts launches: Debian's build, never a downloaded browser.
  { name: "chromium", proof: "/usr/bin/chromium", neededBy: "the browser tests" },
  { name: "tmux", proof: "tmux", neededBy: "the terminal tests" },
  // An independent second opinion on the certificates the program makes (tests/e2e/_openssl.ts).
  { name: "openssl", proof: "openssl", neededBy: "the TLS tests" },
  // Builds the two-namespace LAN that discovery is tested across (tests/e2e/_netns.ts).
  { name: "iproute2", proof: "ip", neededBy: "the discovery tests" },
  // JetStream servers the cluster stores and nodes are tested against (tests/support/nats.ts).
  { name: "nats-server", proof: "nats-server", neededBy: "the cluster tests" },
];
