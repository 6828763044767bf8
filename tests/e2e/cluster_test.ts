/**
 * Cluster mode end to end (issue 17): `chat serve --nats` nodes sharing rooms through NATS
 * JetStream servers started for the test.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { startNats } from "../support/nats.ts";
import { writeRandomFile } from "../support/mod.ts";
import { makeTempDir, runJoin, spawnJoin, startServer, TestClient } from "./_helpers.ts";
import { runFileCli, sendFile, sha256File } from "./_files.ts";

Deno.test("two chat nodes on one NATS server: a message said on one reaches the room on the other, with one id", async () => {
  await using nats = await startNats();
  const passkey = "cluster-passkey-1";
  const cluster = ["--nats", nats.urls.join(",")];
  await using a = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "a"] });
  await using b = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "b"] });
  await using ana = await TestClient.join(a.port, { nick: "ana", passkey });
  await using ben = await TestClient.join(b.port, { nick: "ben", passkey });
  const since = ben.mark();
  const ack = await ana.send("hello across the cluster");
  assertEquals(ack.type, "ack");
  const heard = await ben.waitFor((m) => m.type === "message", { since, what: "ana's message" });
  assertEquals([heard.from, heard.text, heard.id], ["ana", "hello across the cluster", ack.id]);
});

Deno.test("two chat nodes: edits, deletes and reactions made through one reach the other, whose own search index follows the log", async () => {
  await using nats = await startNats();
  const passkey = "cluster-passkey-2";
  const cluster = ["--nats", nats.urls.join(",")];
  await using a = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "a"] });
  await using b = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "b"] });
  await using ana = await TestClient.join(a.port, { nick: "ana", passkey });
  await using ben = await TestClient.join(b.port, { nick: "ben", passkey });
  const search = async (text: string) => {
    const found = await ben.request({ type: "search", rid: ben.rid(), text });
    assertEquals(found.type, "search_results", JSON.stringify(found));
    return (found.events as { id: number; text: string }[]).map((event) => event.text);
  };
  const since = ben.mark();
  const { id } = await ana.send("the axolotl tank is leaking");
  await ben.waitFor((m) => m.type === "message" && m.id === id, { since, what: "the message" });
  assertEquals(await search("axolotl"), ["the axolotl tank is leaking"]);

  const react = await ben.request({ type: "react", rid: ben.rid(), id, emoji: "😱" });
  assertEquals(react.type, "ack", JSON.stringify(react));
  const reaction = await ana.waitFor((m) => m.type === "reaction", { what: "ben's reaction" });
  assertEquals([reaction.ref, reaction.emoji, reaction.from], [id, "😱", "ben"]);

  const edited = await ana.request({ type: "edit", rid: ana.rid(), id, text: "the newt tank" });
  assertEquals(edited.type, "ack", JSON.stringify(edited));
  const edit = await ben.waitFor((m) => m.type === "edit", { what: "ana's edit" });
  assertEquals([edit.ref, edit.text], [id, "the newt tank"]);
  assertEquals(await search("axolotl"), []);
  assertEquals(await search("newt"), ["the newt tank"]);

  const deleted = await ana.request({ type: "delete", rid: ana.rid(), id });
  assertEquals(deleted.type, "ack", JSON.stringify(deleted));
  await ben.waitFor((m) => m.type === "delete" && m.ref === id, { what: "ana's delete" });
  assertEquals(await search("newt"), []);
});

/** Waits until `check` holds for the events a `chat join --json` printed (deadline 20 s). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

Deno.test("three NATS servers and three chat nodes on 127.0.0.1, .2 and .3: people on different nodes talk, see each other, cannot share a nick, share files; killing any one node loses and repeats nothing", async () => {
  await using nats = await startNats({
    servers: 3,
    hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.3"],
  });
  const passkey = "cluster-passkey-3";
  const cluster = ["--nats", nats.urls.join(",")];
  const nodes = [];
  for (let i = 1; i <= 3; i++) {
    nodes.push(
      await startServer({
        host: `127.0.0.${i}`,
        passkey,
        extraArgs: [...cluster, "--node-name", `n${i}`],
      }),
    );
  }
  const [n1, n2, n3] = nodes;
  await using homes = await makeTempDir();
  const home = (nick: string) => ({ CHAT_CONFIG_DIR: join(homes.path, nick) });
  for (const nick of ["ana", "ben", "cy", "dee"]) await Deno.mkdir(join(homes.path, nick));
  try {
    await using ana = spawnJoin([n1.address, "--nick", "ana", "--json"], {
      passkey,
      env: home("ana"),
    });
    await using ben = spawnJoin([n2.address, "--nick", "ben", "--json"], {
      passkey,
      env: home("ben"),
    });
    // cy is on n3, and knows the other nodes to go on through.
    const cyNodes = [n3.address, n1.address, n2.address].join(",");
    await using cy = spawnJoin([cyNodes, "--nick", "cy", "--json"], { passkey, env: home("cy") });
    await Promise.all([ana.ready(), ben.ready(), cy.ready()]);

    // They see each other across the nodes.
    let since = ana.mark();
    await ana.write("/who");
    const who = await ana.waitFor((e) => e.event === "users" || e.type === "users", {
      since,
      what: "ana's /who",
    });
    for (const nick of ["ana", "ben", "cy"]) {
      assert(JSON.stringify(who).includes(`"${nick}"`), `${nick} in ${JSON.stringify(who)}`);
    }
    // Nobody else may take ben's nick, on any node.
    const taken = await runJoin([n3.address, "--nick", "ben", "--json"], {
      passkey,
      env: home("dee"),
      stdin: ["hello?"],
    });
    assertEquals(taken.code, 4, taken.stderr);

    // A file shared through n1 downloads through n2, the same bytes.
    const path = join(homes.path, "shared.bin");
    const sha256 = await writeRandomFile(path, 2 * 1024 * 1024 + 5);
    const { id } = await sendFile(n1, [path, "--nick", "ana"], { env: home("ana") });
    await using saves = await makeTempDir();
    const got = await runFileCli(["get", n2.address, String(id), "--nick", "ben"], {
      cwd: saves.path,
      passkey,
      env: home("ben"),
    });
    assertEquals(got.code, 0, got.describe);
    assertEquals(await sha256File(join(saves.path, "shared.bin")), sha256);

    // ana talks while a NATS server and then cy's chat node die.
    const said: number[] = [];
    const talk = async (count: number, label: string) => {
      for (let i = 0; i < count; i++) {
        since = ana.mark();
        await ana.write(`${label} ${i}`);
        const ack = await ana.waitFor((e) => e.type === "message" && e.text === `${label} ${i}`, {
          since,
          what: `ana's own ${label} ${i}`,
        });
        said.push(ack.id as number);
      }
    };
    await talk(5, "before");
    await nats.kill(1);
    await talk(5, "no nats 2");
    await nats.restart(1);
    await n3.stop({ signal: "SIGKILL" });
    await talk(10, "no n3");
    const heard = (client: typeof ben) =>
      client.events.filter((e) => e.type === "message" && e.from === "ana").map((e) => e.id);
    await eventually(() => said.every((id) => heard(cy).includes(id)), "cy to hear everything");
    await eventually(() => said.every((id) => heard(ben).includes(id)), "ben to hear everything");
    for (const [name, client] of [["ben", ben], ["cy", cy]] as const) {
      const ids = heard(client);
      assertEquals(new Set(ids).size, ids.length, `${name} saw a message twice: ${ids}`);
    }
  } finally {
    for (const node of nodes) await node.stop().catch(() => {});
  }
});

Deno.test("welcome lists the cluster's nodes, and chat join given one goes on through another it learned of", async () => {
  await using nats = await startNats();
  const passkey = "cluster-passkey-2";
  const cluster = ["--nats", nats.urls.join(",")];
  await using a = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "a"] });
  await using b = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "b"] });
  // b said it was up before a first read the directory; a new login to b sees both.
  await using ben = await TestClient.join(b.port, { nick: "ben", passkey });
  const welcome = ben.messages.find((m) => m.type === "welcome")!;
  const nodes = welcome.nodes as { name: string; chat: string; web?: string }[];
  assertEquals(nodes.map((node) => [node.name, node.chat]), [
    ["b", b.address],
    ["a", a.address],
  ]);
  assert(nodes.every((node) => node.web?.startsWith("http://127.0.0.1:")), JSON.stringify(nodes));

  // chat join given b alone learns a from its welcome, and goes on through a when b dies.
  await using homes = await makeTempDir();
  await using cy = spawnJoin([b.address, "--nick", "cy", "--json"], {
    passkey,
    env: { CHAT_CONFIG_DIR: homes.path },
  });
  await cy.ready();
  await b.stop({ signal: "SIGKILL" });
  await cy.waitFor((e) => e.event === "reconnected", { what: "cy back, through a" });
  await using ana = await TestClient.join(a.port, { nick: "ana", passkey });
  const ack = await ana.send("still here?");
  const heard = await cy.waitFor((e) => e.type === "message" && e.text === "still here?", {
    what: "ana's message at cy",
  });
  assertEquals(heard.id, ack.id);
});
