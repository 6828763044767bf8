import { assertEquals } from "@std/assert";
import {
  array,
  boolean,
  checkShape,
  flag,
  type Infer,
  integer,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
} from "../../src/protocol/schema.ts";

const SHAPE = {
  name: string({ min: 1, max: 3 }),
  count: integer({ min: 0, max: 10 }),
  ratio: optional(number()),
  on: optional(boolean()),
  seen: optional(flag()),
  kind: oneOf(["a", "b"]),
  before: nullable(integer()),
  tags: optional(array(string())),
  inner: optional(object({ x: integer(), y: optional(string()) })),
} as const;

/** A value of SHAPE: the type is checked at compile time, the value at run time. */
const VALID: Infer<typeof SHAPE> = { name: "ab", count: 3, kind: "a", before: null };

Deno.test("checkShape() accepts a value with its required fields and any optional ones", () => {
  const cases: Record<string, unknown>[] = [
    VALID,
    { ...VALID, ratio: 0.5, on: false, seen: true, before: 4, tags: [], inner: { x: 1 } },
    { ...VALID, inner: { x: 1, y: "z" }, tags: ["t", "u"], unknown: "ignored" },
  ];
  for (const value of cases) {
    assertEquals(checkShape(SHAPE, value), undefined, JSON.stringify(value));
  }
});

Deno.test("checkShape() names the first problem: missing, mistyped or out of limits", () => {
  const cases: { value: Record<string, unknown>; problem: string }[] = [
    { value: { ...VALID, name: undefined }, problem: 'Field "name" is missing.' },
    { value: { ...VALID, name: 5 }, problem: 'Field "name" must be a string.' },
    { value: { ...VALID, name: "" }, problem: 'Field "name" must be 1 to 3 characters.' },
    { value: { ...VALID, name: "abcd" }, problem: 'Field "name" must be 1 to 3 characters.' },
    { value: { ...VALID, count: 1.5 }, problem: 'Field "count" must be an integer.' },
    { value: { ...VALID, count: -1 }, problem: 'Field "count" must be between 0 and 10.' },
    { value: { ...VALID, count: 11 }, problem: 'Field "count" must be between 0 and 10.' },
    { value: { ...VALID, ratio: Infinity }, problem: 'Field "ratio" must be a number.' },
    { value: { ...VALID, on: "yes" }, problem: 'Field "on" must be a boolean.' },
    { value: { ...VALID, seen: false }, problem: 'Field "seen" must be true when present.' },
    { value: { ...VALID, kind: "c" }, problem: 'Field "kind" must be one of "a", "b".' },
    { value: { ...VALID, before: undefined }, problem: 'Field "before" is missing.' },
    { value: { ...VALID, before: "1" }, problem: 'Field "before" must be an integer.' },
    { value: { ...VALID, tags: "t" }, problem: 'Field "tags" must be an array.' },
    { value: { ...VALID, tags: ["t", 2] }, problem: 'Field "tags[1]" must be a string.' },
    { value: { ...VALID, inner: [] }, problem: 'Field "inner" must be an object.' },
    { value: { ...VALID, inner: {} }, problem: 'Field "inner.x" is missing.' },
    { value: { ...VALID, inner: { x: 1, y: 2 } }, problem: 'Field "inner.y" must be a string.' },
  ];
  for (const { value, problem } of cases) {
    assertEquals(checkShape(SHAPE, value), problem, JSON.stringify(value));
  }
});

Deno.test("checkShape() bounds only what a limit names", () => {
  assertEquals(checkShape({ s: string({ max: 2 }) }, { s: "" }), undefined);
  assertEquals(
    checkShape({ s: string({ max: 2 }) }, { s: "abc" }),
    'Field "s" must be at most 2 characters.',
  );
  assertEquals(
    checkShape({ s: string({ min: 2 }) }, { s: "a" }),
    'Field "s" must be at least 2 characters.',
  );
  assertEquals(checkShape({ n: integer({ min: 1 }) }, { n: 0 }), 'Field "n" must be at least 1.');
  assertEquals(checkShape({ n: integer({ max: 1 }) }, { n: 2 }), 'Field "n" must be at most 1.');
  assertEquals(checkShape({ n: integer() }, { n: 2 ** 53 }), 'Field "n" must be an integer.');
});
