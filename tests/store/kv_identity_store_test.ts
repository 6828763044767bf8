import { assertEquals } from "@std/assert";
import { KvIdentityStore } from "../../src/store/nats/kv_identity_store.ts";
import type { Device } from "../../src/chat/identity_store.ts";
import { identityStoreContract } from "./identity_store_contract.ts";
import { twoNodes } from "./_nats_nodes.ts";
import { testNatsContext } from "../support/nats.ts";

identityStoreContract("KvIdentityStore", async () => {
  const { context, cleanup } = await testNatsContext();
  const store = await KvIdentityStore.open(context);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await cleanup();
    },
  };
});

function device(id: string, owner: string): Device {
  return {
    id,
    owner,
    secretHash: `hash-${id}`,
    passkeyTag: "tag1",
    name: "chat/test",
    createdAt: 10,
    lastSeen: 10,
  };
}

Deno.test("KvIdentityStore: what one node writes, another node of the same prefix reads", async () => {
  await using nodes = await twoNodes((context) => KvIdentityStore.open(context));
  const [a, b] = nodes.stores;
  await a.addDevice(device("d.1", "owner one"));
  await a.claimNick("Zoë", "owner one", 7);
  await a.addInvite({ tokenHash: "t1", passkeyTag: "tag1", createdAt: 1, expires: 100 });
  await a.addLinkCode({ codeHash: "c1", owner: "owner one", expires: 100 });
  assertEquals(await b.device("d.1"), device("d.1", "owner one"));
  assertEquals((await b.devicesOf("owner one")).map((d) => d.id), ["d.1"]);
  assertEquals(await b.nickOwner("ZOË"), { owner: "owner one", since: 7 });
  assertEquals(await b.nicksOf("owner one"), ["Zoë"]);
  assertEquals((await b.invite("t1", 50))?.tokenHash, "t1");
  assertEquals(await b.takeLinkCode("c1", 50), "owner one");
  assertEquals(await a.takeLinkCode("c1", 50), undefined, "used up on the other node");
  await b.touchDevice("d.1", 99);
  assertEquals((await a.device("d.1"))?.lastSeen, 99);
});

Deno.test("KvIdentityStore: two nodes claiming the same nicks at once leave each with one owner both agree on", async () => {
  await using nodes = await twoNodes((context) => KvIdentityStore.open(context));
  const [a, b] = nodes.stores;
  const nicks = Array.from({ length: 20 }, (_, i) => `Nick${i}`);
  for (const nick of nicks) {
    const [fromA, fromB] = await Promise.all([
      a.claimNick(nick, "oa", 1),
      b.claimNick(nick.toUpperCase(), "ob", 2),
    ]);
    assertEquals(fromA, fromB, `both claims of ${nick} answer with the same owner`);
    assertEquals(await a.nickOwner(nick), fromA);
    assertEquals(await b.nickOwner(nick), fromA);
  }
  const [ofA, ofB] = [await a.nicksOf("oa"), await b.nicksOf("ob")];
  assertEquals(ofA.length + ofB.length, nicks.length, "each nick listed for its owner only");
  assertEquals(await b.nicksOf("oa"), ofA);
});

Deno.test("KvIdentityStore: a release and a new claim on two nodes at once leave a consistent owner", async () => {
  await using nodes = await twoNodes((context) => KvIdentityStore.open(context));
  const [a, b] = nodes.stores;
  for (let round = 0; round < 10; round++) {
    await a.claimNick("ada", "o1", round);
    const [, claim] = await Promise.all([a.releaseNick("ada"), b.claimNick("ada", "o2", round)]);
    const owner = await a.nickOwner("ada");
    // Either the claim came first (it lost to o1, then the nick was freed) or after the release.
    assertEquals(owner?.owner, claim.owner === "o2" ? "o2" : undefined);
    assertEquals(await a.nicksOf("o2"), owner === undefined ? [] : ["ada"]);
    assertEquals(await b.nicksOf("o1"), []);
    await b.releaseNick("ada");
  }
});

Deno.test("KvIdentityStore: a link code taken on two nodes at once lets exactly one device in", async () => {
  await using nodes = await twoNodes((context) => KvIdentityStore.open(context));
  const [a, b] = nodes.stores;
  for (let i = 0; i < 10; i++) {
    await a.addLinkCode({ codeHash: `c${i}`, owner: "o1", expires: 100 });
    const taken = await Promise.all([a.takeLinkCode(`c${i}`, 50), b.takeLinkCode(`c${i}`, 50)]);
    assertEquals(taken.filter((owner) => owner === "o1").length, 1, `code c${i}: ${taken}`);
  }
  assertEquals(await a.sweep(1000), 0, "taken codes are gone, not waiting to expire");
});

Deno.test("KvIdentityStore: nicks, owners and ids of any text make valid keys", async () => {
  const { context, cleanup } = await testNatsContext();
  try {
    const store = await KvIdentityStore.open(context);
    const names = ["a.b", "*", ">", "日本語", "ﬁx", "emoji 🎉", "$KV"];
    for (const name of names) {
      await store.addDevice(device(name, `owner ${name}`));
      assertEquals(await store.claimNick(name, `owner ${name}`, 1), {
        owner: `owner ${name}`,
        since: 1,
      });
      assertEquals((await store.devicesOf(`owner ${name}`)).map((d) => d.id), [name]);
      assertEquals(await store.nicksOf(`owner ${name}`), [name]);
    }
    assertEquals((await store.nickOwner("FIX"))?.owner, "owner ﬁx", "compared by nickKey()");
  } finally {
    await cleanup();
  }
});

Deno.test("KvIdentityStore: open() on a bucket another node created keeps its contents", async () => {
  const { context, cleanup } = await testNatsContext();
  try {
    const first = await KvIdentityStore.open(context);
    await first.claimNick("ada", "o1", 3);
    const second = await KvIdentityStore.open(context);
    assertEquals(await second.nickOwner("ada"), { owner: "o1", since: 3 });
  } finally {
    await cleanup();
  }
});
