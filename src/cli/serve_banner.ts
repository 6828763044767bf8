import * as colors from "@std/fmt/colors";
import { renderUnicodeCompact } from "uqr";
import { formatInviteLink } from "../protocol/mod.ts";
import { lanAddresses, type TlsCertificate } from "../server/mod.ts";
import { formatDuration } from "../util/mod.ts";
import { VERSION } from "../version.ts";

/**
 * Prints what `chat serve` says once it listens: how to join from this machine and from the
 * others on the network (with the TLS flags to pass, when it encrypts), the web address, the
 * passkey and where it came from, and the data dir.
 *
 * @example
 * ```ts
 * import { printBanner } from "./serve_banner.ts";
 * printBanner({
 *   hostname: "127.0.0.1",
 *   port: 7777,
 *   webPort: undefined,
 *   dataDir: "/tmp/chat-data",
 *   passkey: { value: "7kq2m-9xd4t-r8p3c", origin: "from --passkey" },
 *   tls: undefined,
 * }); // "chat 0.1.0 is running on port 7777." and the rest, on stdout
 * ```
 */
export function printBanner(
  info: {
    hostname: string;
    port: number;
    webPort: number | undefined;
    dataDir: string;
    passkey: { value: string; origin: string };
    tls: TlsCertificate | undefined;
    /** An invite to print as a link (and a QR code, unless `qr` is false). */
    invite?: { token: string; expires: number };
    qr?: boolean;
    /** The name it is announced on the network under, if it is. */
    announcedAs?: string;
  },
): void {
  const { hostname, port } = info;
  const wildcard = hostname === "0.0.0.0" || hostname === "::";
  const local = wildcard ? "127.0.0.1" : hostname;
  const lan = wildcard ? lanAddresses() : [];
  const tlsFlags = info.tls === undefined ? "" : ` --tls --fingerprint ${info.tls.fingerprint}`;
  const address = (host: string) => `${host.includes(":") ? `[${host}]` : host}:${port}${tlsFlags}`;
  const lines = [
    colors.bold(`chat ${VERSION} is running on port ${port}.`),
    "",
    "Join from this machine:",
    `  ${chatCommand()} join ${address(local)}`,
  ];
  if (lan.length > 0) {
    lines.push("Join from another machine on the network:");
    for (const host of lan) lines.push(`  ${chatCommand()} join ${address(host)}`);
  }
  if (info.announcedAs !== undefined) {
    lines.push(
      `Or, without an address: chat join${tlsFlags} (this server is on the network as ` +
        `"${info.announcedAs}").`,
    );
  }
  if (info.webPort !== undefined) {
    const scheme = info.tls === undefined ? "http" : "https";
    const url = (host: string) =>
      `${scheme}://${host.includes(":") ? `[${host}]` : host}:${info.webPort}/`;
    lines.push("Or open in a browser:", `  Web: ${url(local)}`);
    for (const host of lan) lines.push(`  Web: ${url(host)}`);
  }
  if (info.invite !== undefined && info.webPort !== undefined) {
    // The link of the first address others can reach; a phone scans it from the screen.
    const link = formatInviteLink({
      hostname: lan[0] ?? local,
      webPort: info.webPort,
      chatPort: port,
      token: info.invite.token,
      tls: info.tls !== undefined,
      fingerprint: info.tls?.fingerprint,
    });
    const minute = 60_000;
    const valid = formatDuration(
      Math.max(minute, Math.round((info.invite.expires - Date.now()) / minute) * minute),
    );
    lines.push(
      "",
      `Invite link (lets people in without the passkey for ${valid}; a browser asks only a nick):`,
      `  ${link}`,
    );
    if (info.qr !== false) lines.push(renderUnicodeCompact(link, { border: 1 }));
  }
  lines.push(
    "",
    `Passkey: ${info.passkey.value}`,
    `  (${info.passkey.origin}; share it only with the people who may join)`,
    ...(info.tls === undefined ? ["Traffic is not encrypted; start with --tls to encrypt it."] : [
      `TLS fingerprint: ${info.tls.fingerprint}`,
      `  (${
        info.tls.origin === "given"
          ? "your certificate"
          : "self-signed certificate kept in the data dir"
      }; clients check it the first time they connect)`,
    ]),
    `Data dir: ${info.dataDir}`,
    "To keep order (kick, ban, mute, topics, room settings), sign in as host on this machine:",
    `  ${chatCommand()} join ${address(local)} --operator --data-dir ${info.dataDir}`,
    "",
    "Press Ctrl+C to stop.",
  );
  console.log(lines.join("\n"));
}

/**
 * How the person who started this server runs `chat`, so that the join lines are commands they
 * can type: the program itself when it is the compiled binary, else the deno task of a checkout
 * (through npx when Deno came from there, as the README's quick start does).
 *
 * @example
 * ```ts
 * import { chatCommand } from "./serve_banner.ts";
 * chatCommand("/usr/local/bin/chat"); // "chat"
 * chatCommand("/home/ana/.npm/_npx/6a1f/node_modules/deno/deno"); // "npx deno@2.9.6 task chat"
 * ```
 */
export function chatCommand(execPath: string = Deno.execPath()): string {
  const name = execPath.split(/[\\/]/).at(-1) ?? "";
  if (!/^deno(\.exe)?$/i.test(name)) return "chat";
  return /[\\/]_npx[\\/]/.test(execPath)
    ? `npx deno@${Deno.version.deno} task chat`
    : "deno task chat";
}
