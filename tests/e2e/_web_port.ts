import { assert } from "@std/assert";
import type { ChatServer } from "./_server.ts";

/** The web port a `chat serve` printed in its banner (`Web: http://127.0.0.1:PORT/`). */
export function webPortOf(server: ChatServer): number {
  const line = server.stdout.lines.find((text) => /Web: https?:\/\/127\.0\.0\.1:\d+/.test(text));
  const port = Number(line?.match(/:(\d+)\/?$/)?.[1]);
  assert(port > 0, `the banner names the web port:\n${server.stdout.lines.join("\n")}`);
  return port;
}
