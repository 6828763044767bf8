import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { join } from "@std/path";
import { formatFingerprint } from "../protocol/mod.ts";

/** A certificate and key in PEM, and the certificate's SHA-256 fingerprint. */
export interface TlsCertificate {
  cert: string;
  key: string;
  /** `SHA256:AB:CD:…`, as clients pin it. */
  fingerprint: string;
  /** Where it came from, for the start-up banner. */
  origin: "given" | "stored" | "generated";
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

/**
 * The server's TLS certificate: the given PEM files, else the one stored in `dataDir/tls`, else
 * a new self-signed one (ECDSA P-256, ten years) generated in-process and stored there (key
 * mode 0600), so its fingerprint stays the same across restarts.
 */
export async function loadOrCreateCertificate(
  dataDir: string,
  given: { certFile?: string; keyFile?: string } = {},
): Promise<TlsCertificate> {
  if (given.certFile !== undefined && given.keyFile !== undefined) {
    const cert = await Deno.readTextFile(given.certFile);
    const key = await Deno.readTextFile(given.keyFile);
    return { cert, key, fingerprint: await fingerprintOf(cert), origin: "given" };
  }
  const dir = join(dataDir, "tls");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  try {
    const cert = await Deno.readTextFile(certPath);
    const key = await Deno.readTextFile(keyPath);
    return { cert, key, fingerprint: await fingerprintOf(cert), origin: "stored" };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const { cert, key } = await generateSelfSigned();
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(keyPath, key, { mode: 0o600 });
  await Deno.writeTextFile(certPath, cert);
  return { cert, key, fingerprint: await fingerprintOf(cert), origin: "generated" };
}

/** A new self-signed certificate for `chat serve`. */
export async function generateSelfSigned(): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(crypto);
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const serial = [...crypto.getRandomValues(new Uint8Array(16))]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("").replace(/^[89a-f]/, "7");
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: "CN=chat server",
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + 10 * 365 * 24 * 60 * 60 * 1000),
    keys,
    signingAlgorithm: ALGORITHM,
    // Not a CA: clients pin this very certificate rather than trusting what it signs.
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    cert: certificate.toString("pem"),
    key: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
  };
}

/** The SHA-256 fingerprint of the first certificate in a PEM text. */
export async function fingerprintOf(pem: string): Promise<string> {
  const der = x509.PemConverter.decode(pem)[0];
  if (der === undefined) throw new TypeError("The certificate file holds no PEM certificate.");
  return formatFingerprint(new Uint8Array(await crypto.subtle.digest("SHA-256", der)));
}
