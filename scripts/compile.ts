/**
 * Builds standalone `chat` executables into dist/ with `deno compile`, one per platform, with
 * only the permissions the program needs.
 *
 *   deno task compile                 every platform
 *   deno task compile --target x86_64-unknown-linux-gnu
 *
 * `deno compile` downloads a base runtime per platform. Where that host cannot be reached, set
 * DENORT_BIN to a local `denort` binary: only the platform of this machine is built then.
 */
import { parseArgs } from "@std/cli/parse-args";
import { fromFileUrl, join } from "@std/path";

const TARGETS: Record<string, string> = {
  "x86_64-unknown-linux-gnu": "linux-x64",
  "aarch64-unknown-linux-gnu": "linux-arm64",
  "x86_64-apple-darwin": "macos-x64",
  "aarch64-apple-darwin": "macos-arm64",
  "x86_64-pc-windows-msvc": "windows-x64",
};

/**
 * The permissions of the compiled binary: network; files, because the client side reads the
 * files you send and saves where you ask (the server side writes only inside its data dir);
 * the environment variables it reads, by name; the list of network interfaces; and the host
 * name, which names the server on the network unless `--name` does.
 */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env=CHAT_PASSKEY,CHAT_DEBUG,CHAT_CONFIG_DIR,INIT_CWD,USER,USERNAME,HOME,USERPROFILE,XDG_CONFIG_HOME,APPDATA",
  "--allow-sys=networkInterfaces,hostname",
];

/**
 * The permissions of the server-only binary, `chat-server`: network; read and write only in
 * `chat-data` beside where it is started (deno compile keeps a relative path relative, resolved
 * when the binary runs); the passkey variable and two of its own; the interface list and the
 * host name.
 */
export const SERVER_PERMISSIONS = [
  "--allow-net",
  "--allow-read=chat-data",
  "--allow-write=chat-data",
  "--allow-env=CHAT_PASSKEY,CHAT_DEBUG,INIT_CWD",
  "--allow-sys=networkInterfaces,hostname",
];

/** The binaries built per platform: the full program, and the server alone, narrowly. */
const BINARIES = [
  { name: "chat", permissions: PERMISSIONS },
  { name: "chat-server", permissions: SERVER_PERMISSIONS },
];

if (import.meta.main) {
  const root = fromFileUrl(new URL("..", import.meta.url));
  const args = parseArgs(Deno.args, { collect: ["target"], string: ["target"] });
  let targets: string[] = args.target.length > 0 ? args.target : Object.keys(TARGETS);
  if (Deno.env.get("DENORT_BIN")) {
    targets = [Deno.build.target];
    console.error(`DENORT_BIN is set: building only for this machine (${Deno.build.target}).`);
  }
  let failed = 0;
  for (const target of targets) {
    const platform = TARGETS[target];
    if (platform === undefined) {
      console.error(`Unknown target ${target}; known: ${Object.keys(TARGETS).join(", ")}.`);
      Deno.exit(2);
    }
    for (const { name, permissions } of BINARIES) {
      const suffix = target.includes("windows") ? ".exe" : "";
      const output = join(root, "dist", `${name}-${platform}${suffix}`);
      const { code } = await new Deno.Command(Deno.execPath(), {
        args: ["compile", ...permissions, "--target", target, "--output", output, "main.ts"],
        cwd: root,
        stdout: "inherit",
        stderr: "inherit",
      }).output();
      if (code === 0) console.log(`built ${output}`);
      else failed++;
    }
  }
  if (failed > 0) {
    console.error(`${failed} of ${targets.length * BINARIES.length} builds failed.`);
    Deno.exit(1);
  }
}
