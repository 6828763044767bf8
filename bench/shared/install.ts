/**
 * The Debian packages a benchmark compares against or copies with (ngircd, inspircd, socat),
 * installed on first use, so that `deno task bench…` runs on a fresh machine without a setup
 * step of its own.
 *
 * @module
 */

/**
 * Installs the Debian packages a benchmark needs when they are missing (`apt-get update` once,
 * then `apt-get install -y`), so `deno task bench…` runs on a fresh machine. Resolves with a
 * sentence saying why it could not, or undefined when everything is there.
 */
export async function ensureDebianPackages(packages: string[]): Promise<string | undefined> {
  const missing: string[] = [];
  for (const name of packages) {
    const { success } = await new Deno.Command("dpkg", {
      args: ["-s", name],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => ({ success: false }));
    if (!success) missing.push(name);
  }
  if (missing.length === 0) return undefined;
  console.error(`[bench] installing ${missing.join(", ")} with apt-get`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...missing]]) {
    const { success } = await new Deno.Command("apt-get", { args, env, stdout: "null" })
      .output().catch(() => ({ success: false }));
    if (!success) {
      return `Could not install ${missing.join(", ")}; run apt-get install -y ${
        missing.join(" ")
      }.`;
    }
  }
  return undefined;
}
