import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import {
  fingerprintOf,
  generateSelfSigned,
  loadOrCreateCertificate,
} from "../../src/server/tls_certificate.ts";
import { KnownServers } from "../../src/client/known_servers.ts";
import { makeOpensslCertificate, openssl, opensslFingerprint } from "../e2e/_openssl.ts";

const PRINTED = /^SHA256:[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/** A temporary directory removed on dispose. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "chat-tls-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

async function modeOf(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o777).toString(8);
}

Deno.test("fingerprintOf() matches openssl's SHA-256 fingerprint of the same PEM", async (t) => {
  await t.step("a certificate generateSelfSigned() made", async () => {
    const { cert } = await generateSelfSigned();
    const fingerprint = await fingerprintOf(cert);
    assertMatch(fingerprint, PRINTED);
    assertEquals(fingerprint, await opensslFingerprint(cert));
  });
  await t.step("a certificate openssl made", async () => {
    await using dir = await tempDir();
    const { certFile } = await makeOpensslCertificate(dir.path);
    const cert = await Deno.readTextFile(certFile);
    assertEquals(await fingerprintOf(cert), await opensslFingerprint(cert));
  });
  await t.step("the first certificate of a chain", async () => {
    const first = (await generateSelfSigned()).cert;
    const second = (await generateSelfSigned()).cert;
    const chain = `${first.trim()}\n${second.trim()}\n`;
    assertEquals(await fingerprintOf(chain), await fingerprintOf(first));
    assertEquals(await fingerprintOf(chain), await opensslFingerprint(chain));
  });
});

Deno.test("fingerprintOf() refuses a text that holds no certificate", async () => {
  await assertRejects(() => fingerprintOf("not a certificate\n"), TypeError);
});

Deno.test("generateSelfSigned() makes an ECDSA P-256 certificate that is no CA, with its key", async () => {
  const { cert, key } = await generateSelfSigned();
  const text = await openssl(["x509", "-noout", "-text"], cert);
  assertStringIncludes(text, "id-ecPublicKey");
  assertMatch(text, /prime256v1|P-256/);
  assertStringIncludes(text, "ecdsa-with-SHA256");
  assertMatch(text, /CA:FALSE/);
  const certKey = await openssl(["x509", "-noout", "-pubkey"], cert);
  const privateKeyPublic = await openssl(["pkey", "-pubout"], key);
  assertEquals(privateKeyPublic, certKey, "the key belongs to the certificate");
  await openssl(["x509", "-noout", "-checkend", String(365 * 24 * 60 * 60)], cert);
  assertNotEquals(
    await fingerprintOf(cert),
    await fingerprintOf((await generateSelfSigned()).cert),
  );
});

Deno.test("loadOrCreateCertificate() generates a certificate once, with a private key, and reuses it", async () => {
  await using data = await tempDir();
  const created = await loadOrCreateCertificate(data.path);
  assertEquals(created.origin, "generated");
  assertMatch(created.fingerprint, PRINTED);
  const certPath = join(data.path, "tls", "cert.pem");
  const keyPath = join(data.path, "tls", "key.pem");
  assertEquals(await modeOf(keyPath), "600", "the key is readable by its owner only");
  assertEquals(await modeOf(join(data.path, "tls")), "700");
  assertEquals(await Deno.readTextFile(certPath), created.cert);
  assertEquals(await Deno.readTextFile(keyPath), created.key);
  assertEquals(await opensslFingerprint(created.cert), created.fingerprint);

  const again = await loadOrCreateCertificate(data.path);
  assertEquals(again.origin, "stored");
  assertEquals(again.fingerprint, created.fingerprint);
  assertEquals(again.cert, created.cert);
  assertEquals(again.key, created.key);
  assertEquals(await modeOf(keyPath), "600");
});

Deno.test("loadOrCreateCertificate() uses given files and writes nothing to the data dir", async () => {
  await using dir = await tempDir();
  const given = await makeOpensslCertificate(dir.path);
  const dataDir = join(dir.path, "data");
  await Deno.mkdir(dataDir);
  const certificate = await loadOrCreateCertificate(dataDir, given);
  assertEquals(certificate.origin, "given");
  assertEquals(certificate.cert, await Deno.readTextFile(given.certFile));
  assertEquals(certificate.key, await Deno.readTextFile(given.keyFile));
  assertEquals(certificate.fingerprint, await opensslFingerprint(certificate.cert));
  assertEquals([...Deno.readDirSync(dataDir)], [], "nothing generated");
});

Deno.test("loadOrCreateCertificate() prefers given files over a stored certificate", async () => {
  await using dir = await tempDir();
  const stored = await loadOrCreateCertificate(dir.path);
  const given = await makeOpensslCertificate(dir.path);
  const certificate = await loadOrCreateCertificate(dir.path, given);
  assertEquals(certificate.origin, "given");
  assertNotEquals(certificate.fingerprint, stored.fingerprint);
  assertEquals((await loadOrCreateCertificate(dir.path)).fingerprint, stored.fingerprint);
});

// KnownServers is the client's side of the same trust: what it remembers of these fingerprints.

Deno.test("KnownServers remembers a fingerprint per host:port in a private file", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "nested", "config", "known_servers.json");
  const fingerprint = await fingerprintOf((await generateSelfSigned()).cert);
  const other = await fingerprintOf((await generateSelfSigned()).cert);

  const known = new KnownServers(path);
  assertEquals(known.path, path);
  assertEquals(await known.get("127.0.0.1:7777"), undefined);
  await assertRejects(() => Deno.stat(path), Deno.errors.NotFound, undefined, "get writes nothing");

  await known.remember("127.0.0.1:7777", fingerprint);
  await known.remember("[::1]:7777", other);
  assertEquals(await modeOf(path), "600");
  const reread = new KnownServers(path);
  assertEquals(await reread.get("127.0.0.1:7777"), fingerprint);
  assertEquals(await reread.get("[::1]:7777"), other);
  assertEquals(await reread.get("127.0.0.1:7778"), undefined, "the port is part of the key");

  await reread.remember("127.0.0.1:7777", other);
  assertEquals(await known.get("127.0.0.1:7777"), other, "a new fingerprint replaces the old");
  assertEquals(await known.get("[::1]:7777"), other, "the others are kept");
});

Deno.test("KnownServers names its file when it cannot read it", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "known_servers.json");
  await Deno.writeTextFile(path, "{ not json");
  const error = await assertRejects(() => new KnownServers(path).get("127.0.0.1:7777"));
  assertStringIncludes((error as Error).message, path);
});

Deno.test("KnownServers keeps its file in $CHAT_CONFIG_DIR when it is set", () => {
  const before = Deno.env.get("CHAT_CONFIG_DIR");
  try {
    Deno.env.set("CHAT_CONFIG_DIR", "/tmp/chat-config-test");
    assertEquals(KnownServers.defaultPath(), "/tmp/chat-config-test/known_servers.json");
    assert(new KnownServers().path.startsWith("/tmp/chat-config-test/"));
  } finally {
    if (before === undefined) Deno.env.delete("CHAT_CONFIG_DIR");
    else Deno.env.set("CHAT_CONFIG_DIR", before);
  }
});
