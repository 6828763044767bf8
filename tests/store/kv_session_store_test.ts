import { assertEquals, assertRejects } from "@std/assert";
import { KvSessionStore } from "../../src/store/nats/kv_session_store.ts";
import type { LoginSession } from "../../src/chat/session_store.ts";
import { sessionStoreContract } from "./session_store_contract.ts";
import { twoNodes } from "./_nats_nodes.ts";
import { testNatsContext } from "../support/nats.ts";

sessionStoreContract("KvSessionStore", async () => {
  const { context, cleanup } = await testNatsContext();
  const store = await KvSessionStore.open(context);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await cleanup();
    },
  };
});

const NOW = 1_800_000_000_000;

function session(id: string, fields: Partial<LoginSession> = {}): LoginSession {
  return { id, nick: "ada", owner: "o1", since: 10, expires: null, ...fields };
}

Deno.test("KvSessionStore: a session created on one node is resumed, renamed and released on another", async () => {
  await using nodes = await twoNodes((context) => KvSessionStore.open(context));
  const [a, b] = nodes.stores;
  await a.create("h1", session("s1", { nick: "Zoë" }));
  assertEquals(await b.find("h1", NOW), session("s1", { nick: "Zoë" }));
  await b.update("s1", { nick: "zoe_b" });
  await b.update("s1", { expires: NOW + 100 });
  assertEquals(await a.find("h1", NOW), session("s1", { nick: "zoe_b", expires: NOW + 100 }));
  assertEquals((await a.findDropped("ZOE_B", NOW))?.id, "s1");
  assertEquals(await a.findDropped("zoë", NOW), undefined, "the old nick no longer finds it");
});

Deno.test("KvSessionStore: releaseAll() on a restarted node releases only the sessions it held", async () => {
  await using nodes = await twoNodes((context) => KvSessionStore.open(context));
  const [a, b] = nodes.stores;
  await a.create("h1", session("on-a"));
  await b.create("h2", session("on-b"));
  await b.create("h3", session("moved-to-b"));
  await a.update("moved-to-b", { expires: NOW + 5 });
  await a.update("moved-to-b", { expires: null });
  await a.releaseAll(NOW + 600_000);
  assertEquals((await b.find("h1", NOW))?.expires, NOW + 600_000);
  assertEquals((await b.find("h2", NOW))?.expires, null, "held by a connection on n2");
  assertEquals((await b.find("h3", NOW))?.expires, NOW + 600_000, "taken up again on n1");
  await a.releaseHeldBy("n2", NOW + 1);
  assertEquals((await a.find("h2", NOW))?.expires, NOW + 1, "n2 died: released for it");
});

Deno.test("KvSessionStore: creates of one token or one id on two nodes at once let exactly one in", async () => {
  await using nodes = await twoNodes((context) => KvSessionStore.open(context));
  const [a, b] = nodes.stores;
  for (let i = 0; i < 10; i++) {
    const sameToken = await Promise.allSettled([
      a.create(`token${i}`, session(`a${i}`)),
      b.create(`token${i}`, session(`b${i}`)),
    ]);
    const winner = sameToken[0].status === "fulfilled" ? `a${i}` : `b${i}`;
    assertEquals(sameToken.filter((result) => result.status === "fulfilled").length, 1);
    assertEquals((await a.find(`token${i}`, NOW))?.id, winner);
    const sameId = await Promise.allSettled([
      a.create(`x${i}`, session(`id${i}`, { nick: "x" })),
      b.create(`y${i}`, session(`id${i}`, { nick: "y" })),
    ]);
    assertEquals(sameId.filter((result) => result.status === "fulfilled").length, 1);
    const [found, lost] = sameId[0].status === "fulfilled" ? ["x", "y"] : ["y", "x"];
    assertEquals((await b.find(`${found}${i}`, NOW))?.nick, found);
    assertEquals(await b.find(`${lost}${i}`, NOW), undefined, "the loser left nothing behind");
  }
});

Deno.test("KvSessionStore: wipe() on one node forgets the sessions of every node", async () => {
  await using nodes = await twoNodes((context) => KvSessionStore.open(context));
  const [a, b] = nodes.stores;
  await a.create("h1", session("s1"));
  await b.create("h2", session("s2", { expires: NOW + 100 }));
  await b.wipe();
  assertEquals(await a.find("h1", NOW), undefined);
  assertEquals(await a.findDropped("ada", NOW), undefined);
  await a.create("h2", session("s2"));
  assertEquals((await b.find("h2", NOW))?.id, "s2");
});

Deno.test("KvSessionStore: nicks, ids and token hashes of any text make valid keys", async () => {
  const { context, cleanup } = await testNatsContext();
  try {
    const store = await KvSessionStore.open(context);
    for (const text of ["a.b", "*", ">", "日本語", "emoji 🎉"]) {
      await store.create(`hash ${text}`, session(`id ${text}`, { nick: text, expires: NOW }));
      assertEquals((await store.find(`hash ${text}`, NOW))?.nick, text);
      assertEquals((await store.findDropped(text.toUpperCase(), NOW))?.id, `id ${text}`);
    }
    await assertRejects(() => store.create("", session("x")), TypeError);
  } finally {
    await cleanup();
  }
});
