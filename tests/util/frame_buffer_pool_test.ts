import {
  assert,
  assertEquals,
  assertNotStrictEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { FrameBufferPool } from "../../src/util/mod.ts";

Deno.test("FrameBufferPool.acquire() hands out a released buffer again, never a held one", () => {
  const pool = new FrameBufferPool();
  const first = pool.acquire(1000);
  const second = pool.acquire(1000);
  assertNotStrictEquals(first.buffer, second.buffer);
  assert(first.byteLength >= 1000);
  pool.release(first);
  assertStrictEquals(pool.acquire(500).buffer, first.buffer);
  // Too small for what is asked: a new one.
  pool.release(second);
  assertNotStrictEquals(pool.acquire(2000).buffer, second.buffer);
});

Deno.test("FrameBufferPool.retain() keeps a buffer from reuse until every holder released it", () => {
  const pool = new FrameBufferPool();
  const buffer = pool.acquire(100);
  const first = FrameBufferPool.retain(buffer.subarray(5, 50))!;
  const second = FrameBufferPool.retain(buffer.subarray(10))!;
  pool.release(buffer);
  assertNotStrictEquals(pool.acquire(100).buffer, buffer.buffer);
  first();
  first(); // A second call changes nothing.
  assertNotStrictEquals(pool.acquire(100).buffer, buffer.buffer);
  second();
  assertStrictEquals(pool.acquire(100).buffer, buffer.buffer);
});

Deno.test("FrameBufferPool.retain() is undefined for bytes no pool holds", () => {
  const pool = new FrameBufferPool();
  assertEquals(FrameBufferPool.retain(new Uint8Array(10)), undefined);
  assertEquals(FrameBufferPool.retain(new Uint8Array(new SharedArrayBuffer(10))), undefined);
  const buffer = pool.acquire(10);
  pool.release(buffer);
  assertEquals(FrameBufferPool.retain(buffer), undefined);
});

Deno.test("FrameBufferPool.release() refuses a buffer not held from this pool", () => {
  const pool = new FrameBufferPool();
  const buffer = pool.acquire(10);
  assertThrows(() => new FrameBufferPool().release(buffer), RangeError, "not held");
  pool.release(buffer);
  assertThrows(() => pool.release(buffer), RangeError, "not held");
});

Deno.test("FrameBufferPool.clear() forgets the free buffers, and those released until the next acquire()", () => {
  const pool = new FrameBufferPool();
  const buffer = pool.acquire(10);
  pool.release(buffer);
  pool.clear();
  assertNotStrictEquals(pool.acquire(10).buffer, buffer.buffer);

  // A buffer still retained when the connection went idle is not kept when let go.
  const retained = pool.acquire(10);
  const release = FrameBufferPool.retain(retained)!;
  pool.release(retained);
  pool.clear();
  release();
  assertNotStrictEquals(pool.acquire(10).buffer, retained.buffer);
});
