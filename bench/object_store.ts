/**
 * Object Store benchmark: puts and gets one random file of 256 MiB through the NATS Object Store
 * client (`@nats-io/obj` 3.4.0) with its default chunks and hash, with the native hash, with
 * 1 MiB chunks, and through the cluster blob store's own chunk writer and reader
 * (`src/store/nats/_object_chunks.ts`: pipelined publishes, an ordered consumer), on one
 * nats-server and on a cluster of three (3 replicas), everything on this machine.
 *
 * ```sh
 * deno run --allow-all bench/object_store.ts            # 256 MiB
 * deno run --allow-all bench/object_store.ts --mib 64
 * ```
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { setSha256Backend } from "@nats-io/obj";
import { startNats } from "../tests/support/nats.ts";
import { connectCluster, type NatsContext } from "../src/store/nats/context.ts";
import { CHUNK_BYTES, readObject, writeObject } from "../src/store/nats/_object_chunks.ts";

const args = parseArgs(Deno.args, { string: ["mib"], default: { mib: "256" } });
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

for (const servers of [1, 3] as const) {
  await using nats = await startNats({ servers });
  const context = await connectCluster({
    servers: nats.urls,
    node: "bench",
    prefix: "bench",
    replicas: servers,
  });
  console.log(`${servers} server(s), ${servers} replica(s), ${args.mib} MiB:`);
  setSha256Backend("js");
  await objm(context, "default");
  setSha256Backend("native");
  await objm(context, "native");
  await objm(context, "native_1mib", 1024 * 1024);
  for (const chunkBytes of [128 * 1024, CHUNK_BYTES, 1024 * 1024 - 1024]) {
    for (const inFlight of [1, 16, 32, 64]) await own(context, inFlight, chunkBytes);
  }
  await context.nc.close();
}
