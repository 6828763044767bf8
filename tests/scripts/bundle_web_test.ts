import { assertEquals, assertMatch } from "@std/assert";
import { bundleProblem } from "../../scripts/bundle_web.ts";

Deno.test("bundleProblem() accepts runtime-neutral code", () => {
  const cases = [
    'console.log("hi")',
    "const socket = new WebSocket(url);",
    "// Denote nothing: Denormal numbers are fine",
    'const name = "no_de:thing";',
  ];
  for (const code of cases) assertEquals(bundleProblem(code), undefined, code);
});

Deno.test("bundleProblem() refuses a bundle that uses Deno or a node: module", () => {
  const cases: { code: string; problem: RegExp }[] = [
    { code: 'import "node:fs";', problem: /imports "node:fs"/ },
    { code: "import { createHash } from 'node:crypto';", problem: /imports "node:crypto"/ },
    { code: 'await import("node:fs/promises")', problem: /imports "node:fs\/promises"/ },
    { code: "Deno.readTextFile(path)", problem: /uses Deno\.\*/ },
    { code: "x=Deno.env.get('A')", problem: /uses Deno\.\*/ },
  ];
  for (const { code, problem } of cases) assertMatch(bundleProblem(code) ?? "", problem, code);
});
