import { assertEquals, assertThrows } from "@std/assert";
import { parseRequestHead, targetPath } from "../../../src/server/http/request_head.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("parseRequestHead() reads the request line and header fields", () => {
  const cases: [
    string,
    string,
    { method: string; target: string; version: string; host: string | null },
  ][] = [
    ["CRLF", "GET / HTTP/1.1\r\nHost: a:1\r\n", {
      method: "GET",
      target: "/",
      version: "HTTP/1.1",
      host: "a:1",
    }],
    ["lone LF", "HEAD /app.js HTTP/1.0\nhost: b\n", {
      method: "HEAD",
      target: "/app.js",
      version: "HTTP/1.0",
      host: "b",
    }],
    ["no headers", "GET /x?y=1 HTTP/1.1\r\n", {
      method: "GET",
      target: "/x?y=1",
      version: "HTTP/1.1",
      host: null,
    }],
    ["spaces around a value", "GET / HTTP/1.1\r\nHost: \t c \t\r\n", {
      method: "GET",
      target: "/",
      version: "HTTP/1.1",
      host: "c",
    }],
    ["an empty value", "GET / HTTP/1.1\r\nHost:\r\n", {
      method: "GET",
      target: "/",
      version: "HTTP/1.1",
      host: "",
    }],
    ["another version", "GET / HTTP/2.0\r\n", {
      method: "GET",
      target: "/",
      version: "HTTP/2.0",
      host: null,
    }],
  ];
  for (const [name, text, expected] of cases) {
    const head = parseRequestHead(bytes(text));
    assertEquals(
      {
        method: head.method,
        target: head.target,
        version: head.version,
        host: head.headers.get("host"),
      },
      expected,
      name,
    );
  }
});

Deno.test("parseRequestHead() joins repeated fields and keeps obs-text", () => {
  const head = parseRequestHead(
    new Uint8Array([...bytes("GET / HTTP/1.1\r\nA: 1\r\na: 2\r\nX: "), 0xe9, ...bytes("\r\n")]),
  );
  assertEquals(head.headers.get("a"), "1, 2");
  assertEquals(head.headers.get("x"), "\u00e9");
});

Deno.test("parseRequestHead() refuses malformed heads with a SyntaxError", () => {
  const cases: [string, string][] = [
    ["an empty request line", "\r\n"],
    ["two spaces", "GET  / HTTP/1.1\r\n"],
    ["no version", "GET /\r\n"],
    ["a lowercase version", "GET / http/1.1\r\n"],
    ["a space in the method", "G T / HTTP/1.1\r\n"],
    ["a header without a colon", "GET / HTTP/1.1\r\nHost\r\n"],
    ["whitespace before the colon", "GET / HTTP/1.1\r\nHost : a\r\n"],
    ["a folded line", "GET / HTTP/1.1\r\nX: a\r\n b\r\n"],
    ["a bare CR in a value", "GET / HTTP/1.1\r\nX: a\rb\r\n"],
    ["a NUL in a value", "GET / HTTP/1.1\r\nX: a\0b\r\n"],
    ["two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n"],
    ["two Content-Length fields", "GET / HTTP/1.1\r\nContent-Length: 0\r\ncontent-length: 0\r\n"],
  ];
  for (const [name, text] of cases) {
    assertThrows(() => parseRequestHead(bytes(text)), SyntaxError, undefined, name);
  }
});

Deno.test("targetPath() gives the path of origin- and absolute-form targets only", () => {
  const cases: [string, string | undefined][] = [
    ["/", "/"],
    ["/app.js?v=1#x", "/app.js"],
    ["/a/../../etc/passwd", "/etc/passwd"],
    ["/ws", "/ws"],
    ["http://host:7778/ws?x", "/ws"],
    ["*", undefined],
    ["host:443", undefined],
    ["app.js", undefined],
  ];
  for (const [target, path] of cases) assertEquals(targetPath(target), path, target);
});
