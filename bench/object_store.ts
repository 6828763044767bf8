/**
 * Object Store benchmark: puts and gets one random file of 256 MiB through the NATS Object Store
 * client (`@nats-io/obj` 3.4.0) with its default chunks and hash, with the native hash, with
 * 1 MiB chunks, through the cluster blob store's own chunk writer and reader
 * (`src/store/nats/_object_chunks.ts`: pipelined publishes, an ordered consumer), and through
 * `ObjectBlobStore` itself (upload, commit, a read on another node, a second read), on one
 * nats-server and on a cluster of three (3 replicas), everything on this machine.
 *
 * ```sh
 * deno run --allow-all bench/object_store.ts            # 256 MiB
 * deno run --allow-all bench/object_store.ts --mib 64
 * deno run --allow-all bench/object_store.ts --store-only   # only through ObjectBlobStore
 * ```
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { setSha256Backend } from "@nats-io/obj";
import { startNats } from "../tests/support/nats.ts";
import { connectCluster, type NatsContext } from "../src/store/nats/context.ts";
import { readObject, writeObject } from "../src/store/nats/_object_chunks.ts";
import { CHUNK_BYTES } from "../src/store/nats/_object_format.ts";
import { ObjectBlobStore } from "../src/store/nats/object_blob_store.ts";
import { createHash } from "node:crypto";

const args = parseArgs(Deno.args, {
  string: ["mib"],
  boolean: ["store-only"],
  default: { mib: "256" },
});
const size = Number(args.mib) * 1024 * 1024;
const data = new Uint8Array(size);
for (let start = 0; start < size; start += 65536) {
  crypto.getRandomValues(data.subarray(start, start + 65536));
}
const PIECE = 64 * 1024;

function pieces(): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= size) return controller.close();
      controller.enqueue(data.subarray(offset, offset + PIECE));
      offset += PIECE;
    },
  });
}

function rate(ms: number): string {
  return `${(size / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`;
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

async function objm(context: NatsContext, label: string, chunk?: number): Promise<void> {
  const store = await context.objm.create(`${context.prefix}_${label}`, {
    replicas: context.replicas,
  });
  const meta = { name: "f", options: chunk ? { max_chunk_size: chunk } : undefined };
  let start = performance.now();
  await store.put(meta, pieces(), { timeout: 30_000 });
  const put = performance.now() - start;
  start = performance.now();
  const result = await store.get("f");
  const bytes = await drain(result!.data);
  if (await result!.error) throw new Error("get failed");
  const get = performance.now() - start;
  if (bytes !== size) throw new Error(`got ${bytes} bytes`);
  console.log(`  objm ${label}: put ${rate(put)}, get ${rate(get)}`);
  await store.destroy();
}

async function own(context: NatsContext, inFlight: number, chunkBytes: number): Promise<void> {
  const bucket = `${context.prefix}_own${inFlight}_${chunkBytes}`;
  const store = await context.objm.create(bucket, { replicas: context.replicas });
  let start = performance.now();
  const info = await writeObject(context, bucket, "f", pieces(), { inFlight, chunkBytes });
  if (info === null) throw new Error("the object was written by someone else");
  const put = performance.now() - start;
  start = performance.now();
  const bytes = await drain(readObject(context, bucket, info, { offset: 0 }));
  const get = performance.now() - start;
  if (bytes !== size) throw new Error(`got ${bytes} bytes`);
  const chunk = `${(chunkBytes / 1024).toFixed(0)} KiB`;
  console.log(`  own chunks, ${chunk}, ${inFlight} in flight: put ${rate(put)}, get ${rate(get)}`);
  await store.destroy();
}

/**
 * Through the blob store: the upload to node a's disk, its commit (the put), a read through
 * node b (from the bucket, keeping a copy if its disk keeps up) and a second read there (from
 * the copy if one was kept).
 */
async function blobStore(urls: string[], replicas: number): Promise<void> {
  const dirs: string[] = [];
  const contexts: NatsContext[] = [];
  const stores: ObjectBlobStore[] = [];
  for (const node of ["a", "b"]) {
    const context = await connectCluster({ servers: urls, node, prefix: "store", replicas });
    const dir = await Deno.makeTempDir({ prefix: "chat_bench_blobs_" });
    contexts.push(context);
    dirs.push(dir);
    stores.push(await ObjectBlobStore.open(context, { dir }));
  }
  try {
    const sha256 = createHash("sha256").update(data).digest("hex");
    let start = performance.now();
    const upload = await stores[0].openUpload(undefined, { expectedBytes: size });
    for (let offset = 0; offset < size; offset += PIECE) {
      await upload.write(data.subarray(offset, offset + PIECE));
    }
    const written = performance.now() - start;
    start = performance.now();
    await upload.commit(sha256);
    const committed = performance.now() - start;
    const reads: number[] = [];
    for (let i = 0; i < 2; i++) {
      start = performance.now();
      const bytes = await drain(stores[1].read(sha256, { offset: 0, chunkBytes: 65536 }));
      if (bytes !== size) throw new Error(`read ${bytes} bytes`);
      reads.push(performance.now() - start);
    }
    console.log(
      `  ObjectBlobStore: upload to disk ${rate(written)}, commit ${rate(committed)}, ` +
        `read on another node ${rate(reads[0])}, again ${rate(reads[1])}`,
    );
  } finally {
    for (const context of contexts) await context.nc.close();
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
}

for (const servers of [1, 3] as const) {
  await using nats = await startNats({ servers });
  const context = await connectCluster({
    servers: nats.urls,
    node: "bench",
    prefix: "bench",
    replicas: servers,
  });
  console.log(`${servers} server(s), ${servers} replica(s), ${args.mib} MiB:`);
  if (args["store-only"]) {
    await context.nc.close();
    await blobStore(nats.urls, servers);
    continue;
  }
  setSha256Backend("js");
  await objm(context, "default");
  setSha256Backend("native");
  await objm(context, "native");
  await objm(context, "native_1mib", 1024 * 1024);
  for (const chunkBytes of [128 * 1024, CHUNK_BYTES, 1024 * 1024 - 1024]) {
    for (const inFlight of [1, 16, 32, 64]) await own(context, inFlight, chunkBytes);
  }
  await context.nc.close();
  await blobStore(nats.urls, servers);
}
