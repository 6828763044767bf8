import { assertEquals } from "@std/assert";
import { ConnectionLimits } from "../../src/server/connection_limits.ts";

const A = "192.0.2.7";
const B = "192.0.2.8";
const C = "2001:db8::3";

Deno.test("ConnectionLimits admits up to the total, then says the server is full", () => {
  const limits = new ConnectionLimits({ total: 3, perAddress: 0 });
  assertEquals([limits.admit(A), limits.admit(B), limits.admit(C)], [
    undefined,
    undefined,
    undefined,
  ]);
  assertEquals(limits.admit("192.0.2.99"), "The server is full (3 connections); try again later.");
  assertEquals(limits.admit(A), "The server is full (3 connections); try again later.");
});

Deno.test("ConnectionLimits admits up to perAddress from one address, naming it when refusing", () => {
  const limits = new ConnectionLimits({ total: 0, perAddress: 2 });
  assertEquals([limits.admit(A), limits.admit(A)], [undefined, undefined]);
  assertEquals(limits.admit(A), `Too many connections from ${A} (limit 2).`);
  assertEquals(limits.admit(C), undefined, "other addresses are unaffected");
  assertEquals(limits.admit(C), undefined);
  assertEquals(limits.admit(C), `Too many connections from ${C} (limit 2).`);
  assertEquals(limits.admit(B), undefined);
});

Deno.test("ConnectionLimits treats 0 as no limit", () => {
  const limits = new ConnectionLimits({ total: 0, perAddress: 0 });
  const refused = Array.from({ length: 50_000 }, () => limits.admit(A))
    .filter((refusal) => refusal !== undefined);
  assertEquals(refused, []);
});

Deno.test("ConnectionLimits frees a place on release, per address and in all", () => {
  const limits = new ConnectionLimits({ total: 5, perAddress: 2 });
  for (const address of [A, A, B, B]) limits.admit(address);
  assertEquals(limits.admit(A), `Too many connections from ${A} (limit 2).`);
  limits.release(A);
  assertEquals(limits.admit(A), undefined, "a place for A again");
  assertEquals(limits.admit(C), undefined, "the fifth place");
  assertEquals(limits.admit(C), "The server is full (5 connections); try again later.");
  limits.release(B);
  assertEquals(limits.admit(C), undefined, "a place in all again");
});

Deno.test("ConnectionLimits does not count refused connections", () => {
  const limits = new ConnectionLimits({ total: 4, perAddress: 1 });
  limits.admit(A);
  for (let i = 0; i < 100; i++) limits.admit(A); // all refused
  assertEquals([limits.admit(B), limits.admit(C), limits.admit("192.0.2.10")], [
    undefined,
    undefined,
    undefined,
  ]);
  limits.release(A);
  assertEquals(limits.admit(A), undefined, "one release undoes one admission, not 101");
});

Deno.test("ConnectionLimits returns to empty after every admitted connection is released", () => {
  const limits = new ConnectionLimits({ total: 10, perAddress: 5 });
  const admitted: string[] = [];
  for (let i = 0; i < 30; i++) {
    const address = `192.0.2.${i % 4}`;
    if (limits.admit(address) === undefined) admitted.push(address);
  }
  assertEquals(admitted.length, 10);
  for (const address of admitted) limits.release(address);
  const again = Array.from({ length: 10 }, (_, i) => limits.admit(`192.0.2.${i % 2}`));
  assertEquals(again, Array(10).fill(undefined), "all ten places are free: 5 from each of two");
});

Deno.test("ConnectionLimits.cap() lowers the total in force, never raising a configured one", () => {
  const limits = new ConnectionLimits({ total: 10, perAddress: 0 });
  for (const address of [A, B, C]) limits.admit(address);
  limits.cap(3);
  assertEquals([limits.total, limits.open], [3, 3]);
  assertEquals(limits.admit(A), "The server is full (3 connections); try again later.");
  limits.cap(50);
  assertEquals(limits.total, 10);
  const unlimited = new ConnectionLimits({ total: 0, perAddress: 0 });
  unlimited.cap(0);
  assertEquals(unlimited.total, 1, "a cap always leaves room for one");
});
