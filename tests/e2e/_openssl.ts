/**
 * The `openssl` command as an independent second opinion on certificates: it makes the PEM
 * files tests give to `--tls-cert`/`--tls-key`, and computes fingerprints and key details that
 * the product's own code is compared against.
 *
 * @module
 */
import { join } from "@std/path";

const decoder = new TextDecoder();

/** Runs `openssl ...args` and returns its stdout; throws with its stderr if it fails. */
export async function openssl(args: readonly string[], stdin?: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args: [...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const output = await child.output();
  if (!output.success) {
    throw new Error(`openssl ${args.join(" ")} failed: ${decoder.decode(output.stderr).trim()}`);
  }
  return decoder.decode(output.stdout);
}

/**
 * Makes a self-signed ECDSA P-256 certificate for `CN=test`, valid one day, with `openssl req`
 * and writes it to `dir/cert.pem` and `dir/key.pem`.
 */
export async function makeOpensslCertificate(
  dir: string,
): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-subj",
    "/CN=test",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "1",
  ]);
  return { certFile, keyFile };
}

/**
 * `openssl x509 -noout -fingerprint -sha256` of the first certificate in a PEM text, in the
 * form `chat serve` prints: `SHA256:AB:…`.
 */
export async function opensslFingerprint(pem: string): Promise<string> {
  const text = (await openssl(["x509", "-noout", "-fingerprint", "-sha256"], pem)).trim();
  return "SHA256:" + text.slice(text.indexOf("=") + 1).toUpperCase();
}

/**
 * Makes a test certificate authority (`dir/ca.pem`) and a server certificate it signed for
 * `subjectAltName` (such as `IP:127.0.0.1`), written to `dir/server.pem` and `dir/server.key`.
 * A client trusts the CA when started with `DENO_CERT=dir/ca.pem`.
 */
export async function makeCaSignedCertificate(
  dir: string,
  subjectAltName: string,
): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const caFile = join(dir, "ca.pem");
  const caKey = join(dir, "ca.key");
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server.key");
  const request = join(dir, "server.csr");
  const extensions = join(dir, "server.ext");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(["req", "-x509", ...ec, "-subj", "/CN=chat test CA", "-days", "1"].concat(
    ["-keyout", caKey, "-out", caFile, "-addext", "basicConstraints=critical,CA:TRUE"],
    ["-addext", "keyUsage=critical,keyCertSign"],
  ));
  await openssl([
    "req",
    ...ec,
    "-subj",
    "/CN=chat test server",
    "-keyout",
    keyFile,
    "-out",
    request,
  ]);
  await Deno.writeTextFile(
    extensions,
    `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(["x509", "-req", "-in", request, "-CA", caFile, "-CAkey", caKey].concat(
    ["-CAcreateserial", "-out", certFile, "-days", "1", "-extfile", extensions],
  ));
  return { caFile, certFile, keyFile };
}
