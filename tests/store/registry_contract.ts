import { assertEquals } from "@std/assert";
import type { Registry } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/**
 * Registers the tests every {@linkcode Registry} must pass, each named `${name}: <sentence>`;
 * `make` is called once per test for an empty registry.
 *
 * @example
 * ```ts ignore
 * registryContract("MemoryRegistry", () => Promise.resolve({ registry: new MemoryRegistry(), cleanup: async () => {} }));
 * ```
 */
export function registryContract(
  name: string,
  make: () => Promise<{ registry: Registry; cleanup(): Promise<void> }>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.registry);

  test("claim() gives a free nick to one holder only, compared case-insensitively", async (r) => {
    assertEquals(await r.claim("Ada", "c1"), true);
    assertEquals(await r.claim("ADA", "c2"), false);
    assertEquals(await r.claim("ada", "c1"), true, "its holder may claim it again");
    assertEquals(await r.holder("aDa"), { holder: "c1", nick: "ada" });
    assertEquals(await r.online(), 1);
  });

  test("two claims of one nick at the same instant give it to exactly one holder", async (r) => {
    const results = await Promise.all(["c1", "c2", "c3"].map((holder) => r.claim("bo", holder)));
    assertEquals(results.filter(Boolean).length, 1);
  });

  test("claim() of a new nick drops the holder's old one", async (r) => {
    await r.claim("ada", "c1");
    await r.claim("ada_b", "c1");
    assertEquals(await r.holder("ada"), undefined);
    assertEquals(await r.holder("ada_b"), { holder: "c1", nick: "ada_b" });
    assertEquals(await r.claim("ada", "c2"), true, "the old nick is free");
    assertEquals(await r.online(), 2);
  });

  test("release() frees a nick only for its holder", async (r) => {
    await r.claim("ada", "c1");
    await r.release("ada", "c2");
    assertEquals((await r.holder("ada"))?.holder, "c1");
    await r.release("ADA", "c1");
    assertEquals(await r.holder("ada"), undefined);
    assertEquals(await r.online(), 0);
  });

  test("take() moves a nick to a new holder and says whom it was taken from", async (r) => {
    await r.claim("ada", "c1");
    await r.enter("lobby", "c1");
    assertEquals(await r.take("ada", "c2"), "c1");
    await r.enter("lobby", "c2");
    assertEquals(await r.holder("ada"), { holder: "c2", nick: "ada" });
    assertEquals(await r.members("lobby"), ["ada"], "the replaced holder is not listed twice");
    await r.release("ada", "c1");
    assertEquals((await r.holder("ada"))?.holder, "c2", "the old holder cannot free it");
    assertEquals(await r.take("bo", "c3"), undefined, "a free nick is taken from nobody");
  });

  test("members() lists a room's nicks sorted, limited to the first to enter; count() counts them", async (r) => {
    for (const [nick, holder] of [["cy", "c1"], ["ada", "c2"], ["bo", "c3"]]) {
      await r.claim(nick, holder);
      await r.enter("lab", holder);
    }
    assertEquals(await r.members("lab"), ["ada", "bo", "cy"]);
    assertEquals(await r.members("lab", 2), ["ada", "cy"], "the first two to enter, sorted");
    assertEquals(await r.count("lab"), 3);
    await r.claim("cyrus", "c1");
    assertEquals(await r.members("lab"), ["ada", "bo", "cyrus"], "a renamed holder's new nick");
    await r.leave("lab", "c2");
    assertEquals(await r.members("lab"), ["bo", "cyrus"]);
    assertEquals(await r.count("nowhere"), 0);
  });

  test("rooms() lists the lobby and every room someone is in, with counts, sorted", async (r) => {
    assertEquals(await r.rooms(), [{ name: "lobby", users: 0 }]);
    await r.claim("ada", "c1");
    await r.enter("zoo", "c1");
    await r.claim("bo", "c2");
    await r.enter("art", "c2");
    assertEquals(await r.rooms(), [
      { name: "art", users: 1 },
      { name: "lobby", users: 0 },
      { name: "zoo", users: 1 },
    ]);
    await r.leave("zoo", "c1");
    assertEquals((await r.rooms()).map((room) => room.name), ["art", "lobby"]);
  });

  test("setAway() marks a holder away in its room until back or until it releases its nick", async (r) => {
    await r.claim("ada", "c1");
    await r.claim("bob", "c2");
    await r.enter("lobby", "c1");
    await r.enter("lobby", "c2");
    assertEquals(await r.awayIn("lobby"), []);
    await r.setAway("c2", "lunch");
    await r.setAway("c1", "");
    assertEquals(await r.awayIn("lobby"), ["ada", "bob"]);
    assertEquals(await r.awayIn("side"), []);
    await r.setAway("c1", undefined);
    assertEquals(await r.awayIn("lobby"), ["bob"]);
    await r.release("bob", "c2");
    await r.claim("bob", "c2");
    assertEquals(await r.awayIn("lobby"), []);
  });

  test("setAway() of a holder without a nick changes nothing", async (r) => {
    await r.enter("lobby", "c9");
    await r.setAway("c9", "gone");
    assertEquals(await r.awayIn("lobby"), []);
  });
}
