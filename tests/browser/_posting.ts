/**
 * Filling a room with messages from a protocol client, quickly and in order, for the tests of
 * reading long histories in the web client.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import type { Received, TestClient } from "../e2e/_helpers.ts";

/** `count` numbered texts: "message 001", "message 002", … */
export function numbered(count: number, prefix = "message"): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${String(i + 1).padStart(3, "0")}`);
}

/**
 * Sends `texts` to the client's room in order, fifty requests in flight at a time (the server
 * stores them in the order they arrive), checks every `ack` and resolves with the ids.
 */
export async function postAll(client: TestClient, texts: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < texts.length; start += 50) {
    const acks: Received[] = await Promise.all(
      texts.slice(start, start + 50).map((text) => client.send(text)),
    );
    for (const ack of acks) {
      assertEquals(ack.type, "ack", JSON.stringify(ack));
      ids.push(Number(ack.id));
    }
  }
  return ids;
}
