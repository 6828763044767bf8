import { assert, assertEquals, assertRejects } from "@std/assert";
import { join } from "@std/path";
import { Base64UrlPaddedCodec } from "@nats-io/obj";
import { type BlobStore, StorageError } from "../../src/store/mod.ts";
import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";
import { ObjectBlobStore } from "../../src/store/nats/object_blob_store.ts";
import { CHUNK_BYTES, objectMeta } from "../../src/store/nats/_object_format.ts";
import { sweepOrphanChunks } from "../../src/store/nats/_object_sweep.ts";
import {
  type NatsServers,
  sharedNats,
  startNats,
  testNatsContext,
  uniqueNatsPrefix,
} from "../support/nats.ts";
import { concat, randomBytes, sha256Hex } from "./_bytes.ts";
import { blobStoreContract } from "./blob_store_contract.ts";

blobStoreContract("ObjectBlobStore", async () => {
  const { context, cleanup } = await testNatsContext();
  const dir = await Deno.makeTempDir({ prefix: "chat_object_blobs_test_" });
  return {
    store: await ObjectBlobStore.open(context, { dir }),
    age: (ms) => backdatePartials(dir, ms),
    cleanup: async () => {
      await cleanup();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

/**
 * The same suite with every read through a second node, which holds no copy: the bytes come
 * from the bucket (chunk runs, offsets, checked copies), not from the writer's local file.
 */
blobStoreContract("ObjectBlobStore read through another node", async () => {
  const servers = await sharedNats();
  const prefix = uniqueNatsPrefix();
  const contexts: NatsContext[] = [];
  const dirs: string[] = [];
  const stores: ObjectBlobStore[] = [];
  for (const node of ["writer", "reader"]) {
    const context = await connectCluster({ servers: servers.urls, node, prefix, replicas: 1 });
    const dir = await Deno.makeTempDir({ prefix: "chat_object_blobs_test_" });
    contexts.push(context);
    dirs.push(dir);
    stores.push(await ObjectBlobStore.open(context, { dir }));
  }
  const [writer, reader] = stores;
  const store: BlobStore = {
    openUpload: (key, options) => writer.openUpload(key, options),
    read: (blob, options) => reader.read(blob, options),
    sweep: (maxAgeMs) => writer.sweep(maxAgeMs),
    delete: (blob) => reader.delete(blob),
    wipe: () => writer.wipe(),
  };
  return {
    store,
    age: (ms) => backdatePartials(dirs[0], ms),
    cleanup: async () => {
      for (const context of contexts) await context.nc.close();
      for (const dir of dirs) await Deno.remove(dir, { recursive: true });
    },
  };
});

/** Sets the modification time of every partial file `ms` into its past. */
async function backdatePartials(dir: string, ms: number): Promise<void> {
  for await (const entry of Deno.readDir(join(dir, "partial"))) {
    const path = join(dir, "partial", entry.name);
    const { atime, mtime } = await Deno.lstat(path);
    await Deno.utime(path, atime ?? new Date(), new Date(mtime!.getTime() - ms));
  }
}

/** Two nodes: two connections with the same prefix, each with a folder of its own. */
interface Node {
  context: NatsContext;
  store: ObjectBlobStore;
  dir: string;
}

/** Runs `fn` with `count` nodes sharing one fresh prefix on the shared server. */
async function withNodes(count: number, fn: (nodes: Node[]) => Promise<void>): Promise<void> {
  const servers = await sharedNats();
  const prefix = uniqueNatsPrefix();
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const context = await connectCluster({
        servers: servers.urls,
        node: `n${i + 1}`,
        prefix,
        replicas: 1,
      });
      const dir = await Deno.makeTempDir({ prefix: "chat_object_blobs_test_" });
      nodes.push({ context, dir, store: await ObjectBlobStore.open(context, { dir }) });
    }
    await fn(nodes);
  } finally {
    for (const node of nodes) {
      await node.context.nc.close();
      await Deno.remove(node.dir, { recursive: true });
    }
  }
}

async function commit(store: ObjectBlobStore, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const upload = await store.openUpload();
  for (let at = 0; at < bytes.length; at += 100_000) {
    await upload.write(bytes.subarray(at, at + 100_000));
  }
  return await upload.commit(await sha256Hex(bytes));
}

async function readAll(
  store: ObjectBlobStore,
  blob: string,
  offset = 0,
): Promise<Uint8Array<ArrayBuffer>> {
  return concat(await Array.fromAsync(store.read(blob, { offset, chunkBytes: 65536 })));
}

async function messagesOf(context: NatsContext): Promise<number> {
  return (await context.jsm.streams.info(`OBJ_${context.prefix}_files`)).state.messages;
}

Deno.test("ObjectBlobStore: a file uploaded through one node reads back through another, from any offset", () =>
  withNodes(2, async ([a, b]) => {
    const bytes = randomBytes(5 * 1024 * 1024 + 17);
    const blob = await commit(a.store, bytes);
    assertEquals(blob, await sha256Hex(bytes));
    // From an offset, b reads from the bucket (starting at the chunk that holds it).
    const offset = 3 * 1024 * 1024 + 5;
    assertEquals(await readAll(b.store, blob, offset), bytes.slice(offset));
    await assertRejects(() => Deno.stat(join(b.dir, "blobs", blob)), Deno.errors.NotFound);
    // From the start, b keeps a checked copy, which serves the next reads.
    assertEquals(await sha256Hex(await readAll(b.store, blob)), blob);
    assertEquals(await Deno.readFile(join(b.dir, "blobs", blob)), bytes);
    assertEquals(await readAll(b.store, blob, offset), bytes.slice(offset));
  }));

Deno.test("ObjectBlobStore: reads of one blob at once on a node all succeed and one makes its copy", () =>
  withNodes(2, async ([a, b]) => {
    const bytes = randomBytes(2 * 1024 * 1024 + 3);
    const blob = await commit(a.store, bytes);
    const reads = await Promise.all([0, 1, 2, 3].map(() => readAll(b.store, blob)));
    for (const read of reads) assertEquals(read, bytes);
    assertEquals(await Deno.readFile(join(b.dir, "blobs", blob)), bytes);
    assertEquals(await Array.fromAsync(Deno.readDir(join(b.dir, "filling"))), []);
  }));

Deno.test("ObjectBlobStore: a blob deleted through one node is not served from another's copy", () =>
  withNodes(2, async ([a, b]) => {
    const bytes = randomBytes(300_000);
    const blob = await commit(a.store, bytes);
    assertEquals(await readAll(b.store, blob), bytes);
    assertEquals(await a.store.delete(blob), true);
    await assertRejects(() => readAll(b.store, blob), StorageError, "is not stored");
    await assertRejects(() => Deno.stat(join(b.dir, "blobs", blob)), Deno.errors.NotFound);
    assertEquals(await b.store.delete(blob), false);
    // Chunks and descriptions are deleted one by one; only the deletion marker remains.
    assertEquals(await messagesOf(a.context), 1);
    // The same file can be stored again after its deletion, in place of the marker.
    assertEquals(await commit(b.store, bytes), blob);
    assertEquals(await readAll(a.store, blob), bytes);
    assertEquals(await messagesOf(a.context), 2 + 1);
  }));

Deno.test("ObjectBlobStore: the same file committed on two nodes at once is stored once", () =>
  withNodes(2, async ([a, b]) => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const [first, second] = await Promise.all([commit(a.store, bytes), commit(b.store, bytes)]);
    assertEquals(first, second);
    const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
    assertEquals(await messagesOf(a.context), chunks + 1);
    assertEquals(await readAll(b.store, first), bytes);
  }));

Deno.test("ObjectBlobStore: of two nodes deleting one blob at once, exactly one says true", () =>
  withNodes(2, async ([a, b]) => {
    for (let round = 0; round < 5; round++) {
      const blob = await commit(a.store, randomBytes(CHUNK_BYTES * 2));
      const results = await Promise.all([a.store.delete(blob), b.store.delete(blob)]);
      assertEquals(results.filter((deleted) => deleted).length, 1, `round ${round}`);
      // Only the deletion markers remain, one a round.
      assertEquals(await messagesOf(a.context), round + 1);
      await assertRejects(() => readAll(b.store, blob), StorageError, "is not stored");
    }
  }));

Deno.test("ObjectBlobStore: wipe() through one node deletes the blobs every node reads", () =>
  withNodes(2, async ([a, b]) => {
    const blobs = [await commit(a.store, randomBytes(10)), await commit(b.store, randomBytes(20))];
    assertEquals(await a.store.wipe(), 2);
    for (const blob of blobs) {
      await assertRejects(() => readAll(b.store, blob), StorageError, "is not stored");
    }
    assertEquals(await messagesOf(a.context), 2);
  }));

Deno.test("ObjectBlobStore: a commit whose put fails can be resumed and committed again", async () => {
  const { context, cleanup } = await testNatsContext();
  const dir = await Deno.makeTempDir({ prefix: "chat_object_blobs_test_" });
  try {
    const store = await ObjectBlobStore.open(context, { dir });
    const bytes = randomBytes(200_000);
    const sha256 = await sha256Hex(bytes);
    const upload = await store.openUpload("put-fails");
    await upload.write(bytes);
    // Without its stream the bucket refuses every chunk.
    await context.jsm.streams.delete(`OBJ_${context.prefix}_files`);
    await assertRejects(() => upload.commit(sha256), StorageError, "could not store");
    const again = await ObjectBlobStore.open(context, { dir });
    const resumed = await again.openUpload("put-fails");
    assertEquals(resumed.offset, bytes.length);
    assertEquals(await resumed.commit(sha256), sha256);
    assertEquals(await readAll(again, sha256), bytes);
  } finally {
    await cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ObjectBlobStore: a read from the bucket whose bytes do not match keeps no copy", () =>
  withNodes(2, async ([a, b]) => {
    const bytes = randomBytes(100_000);
    const blob = await commit(a.store, bytes);
    // Publish a description of other bytes under this blob's name, as a corruption would.
    const other = randomBytes(100_000);
    const forged = await commit(a.store, other);
    const subject = (name: string) =>
      `$O.${a.context.prefix}_files.M.${Base64UrlPaddedCodec.encode(name)}`;
    const meta = (await a.context.jsm.streams.getMessage(`OBJ_${a.context.prefix}_files`, {
      last_by_subj: subject(forged),
    }))!.json<Record<string, unknown>>();
    await a.context.js.publish(subject(blob), JSON.stringify({ ...meta, name: blob }));
    await assertRejects(() => readAll(b.store, blob), StorageError, "SHA-256");
    await assertRejects(() => Deno.stat(join(b.dir, "blobs", blob)), Deno.errors.NotFound);
    assert((await Array.fromAsync(Deno.readDir(join(b.dir, "filling")))).length === 0);
  }));

/** Runs `fn` with two nodes on a fresh cluster of three servers, 3 replicas. */
async function withCluster(fn: (nats: NatsServers, nodes: Node[]) => Promise<void>): Promise<void> {
  await using nats = await startNats({ servers: 3 });
  const prefix = uniqueNatsPrefix();
  const nodes: Node[] = [];
  try {
    for (const node of ["a", "b"]) {
      const context = await connectCluster({ servers: nats.urls, node, prefix, replicas: 3 });
      const dir = await Deno.makeTempDir({ prefix: "chat_object_blobs_test_" });
      nodes.push({ context, dir, store: await ObjectBlobStore.open(context, { dir }) });
    }
    await fn(nats, nodes);
  } finally {
    for (const node of nodes) {
      await node.context.nc.close();
      await Deno.remove(node.dir, { recursive: true });
    }
  }
}

/** Kills the server that leads the bucket's stream. */
async function killStreamLeader(nats: NatsServers, context: NatsContext): Promise<void> {
  const info = await context.jsm.streams.info(`OBJ_${context.prefix}_files`);
  await nats.kill(Number(info.cluster!.leader!.slice(1)) - 1);
}

Deno.test("ObjectBlobStore: a read through another node survives the SIGKILL of the stream's leader", () =>
  withCluster(async (nats, [a, b]) => {
    const bytes = randomBytes(24 * 1024 * 1024);
    const blob = await commit(a.store, bytes);
    const chunks = b.store.read(blob, { offset: 0, chunkBytes: 65536 })[Symbol.asyncIterator]();
    const received = [(await chunks.next()).value as Uint8Array];
    await killStreamLeader(nats, b.context);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      received.push(next.value);
    }
    assertEquals(await sha256Hex(concat(received)), blob);
    // A copy is kept only if the disk kept up with the read; if kept, it is whole.
    const copy = await Deno.readFile(join(b.dir, "blobs", blob)).catch(() => bytes);
    assertEquals(copy, bytes);
    assertEquals(await Array.fromAsync(Deno.readDir(join(b.dir, "filling"))), []);
  }));

Deno.test("ObjectBlobStore: a commit survives the SIGKILL of its stream's leader on three servers", () =>
  withCluster(async (nats, [a, b]) => {
    const bytes = randomBytes(24 * 1024 * 1024);
    const upload = await a.store.openUpload("during-election");
    for (let at = 0; at < bytes.length; at += 1024 * 1024) {
      await upload.write(bytes.subarray(at, at + 1024 * 1024));
    }
    const committed = upload.commit(await sha256Hex(bytes));
    await killStreamLeader(nats, a.context);
    const blob = await committed;
    assertEquals(await sha256Hex(await readAll(b.store, blob)), await sha256Hex(bytes));
    // Every chunk once: a retried publish was not stored twice.
    assertEquals(await messagesOf(a.context), Math.ceil(bytes.length / CHUNK_BYTES) + 1);
  }));

Deno.test("ObjectBlobStore: sweep() deletes the chunks of a put cut short, once they are old enough", () =>
  withNodes(2, async ([node, other]) => {
    const { context, store } = node;
    const bucket = `${context.prefix}_files`;
    const bytes = randomBytes(CHUNK_BYTES + 10);
    const blob = await commit(store, bytes);
    // A put whose node died before its description: chunks that no description names.
    for (const piece of [randomBytes(CHUNK_BYTES), randomBytes(5)]) {
      await context.js.publish(`$O.${bucket}.C.cutshort`, piece);
    }
    const before = await messagesOf(context);
    // Younger than five minutes: a put on another node may still be writing them.
    assertEquals(await store.sweep(0), 0);
    assertEquals(await messagesOf(context), before);
    // Every node sweeps: two at once delete them, each chunk once.
    const swept = await Promise.all([
      sweepOrphanChunks(context, bucket, 0),
      sweepOrphanChunks(other.context, bucket, 0),
    ]);
    assert(swept.includes(1), `swept ${swept}`);
    assertEquals(await messagesOf(context), before - 2);
    assertEquals(await sweepOrphanChunks(context, bucket, 0), 0);
    assertEquals(await readAll(store, blob), bytes);
    // Old deletion markers go too.
    const deleted = await commit(store, randomBytes(10));
    await store.delete(deleted);
    assertEquals(await messagesOf(context), before - 1);
    assertEquals(await sweepOrphanChunks(context, bucket, 0), 0);
    assertEquals(await messagesOf(context), before - 2);
  }));

Deno.test("ObjectBlobStore: an object described without its chunk runs is read by skipping and swept when deleted", () =>
  withNodes(2, async ([a, b]) => {
    const bucket = `${a.context.prefix}_files`;
    const bytes = randomBytes(3 * CHUNK_BYTES + 99);
    const blob = await commit(a.store, bytes);
    // As when the runs were too long to keep: the same description without them.
    const meta = (await objectMeta(a.context, bucket, blob))!;
    const { revision, storedAt: _storedAt, ...stored } = meta;
    await a.context.js.publish(
      `$O.${bucket}.M.${Base64UrlPaddedCodec.encode(blob)}`,
      JSON.stringify({ ...stored, metadata: {} }),
      { expect: { lastSubjectSequence: revision } },
    );
    const offset = 2 * CHUNK_BYTES + 7;
    assertEquals(await readAll(b.store, blob, offset), bytes.slice(offset));
    assertEquals(await b.store.delete(blob), true);
    // The 4 chunks stay until a sweep finds that no description names them (and deletes the
    // deletion marker too).
    const left = await messagesOf(a.context);
    assertEquals(await sweepOrphanChunks(a.context, bucket, 0), 1);
    assertEquals(await messagesOf(a.context), left - 4 - 1);
  }));
