import { assertEquals, assertStringIncludes } from "@std/assert";
import { CliProcess, spawnJoin, startServer, TestClient } from "./_helpers.ts";

/** Runs `chat search ...args` to its end. */
async function runSearch(args: readonly string[], passkey: string) {
  await using cli = new CliProcess(["search", ...args], { env: { CHAT_PASSKEY: passkey } });
  await cli.closeStdin();
  const status = await cli.wait();
  return { code: status.code, stdout: [...cli.stdout.lines], stderr: cli.stderr.text };
}

/** The results' texts of a `chat search --json` run. */
function texts(stdout: string[]): string[] {
  return stdout.map((line) => JSON.parse(line).text);
}

Deno.test("/search and chat search find words in any script, only where the person may see", async () => {
  await using server = await startServer({ quiet: true });
  const passkey = server.passkey;
  await using ana = spawnJoin([server.address, "--nick", "ana", "--room", "lab", "--json"], {
    passkey,
  });
  await ana.ready();
  await using cy = await TestClient.join(server.port, { nick: "cy", passkey, room: "lab" });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey, room: "secret" });
  for (const text of ["the zebrafish tank", "привет команда", "مرحبا بالجميع", "实验室的斑马鱼"]) {
    assertEquals((await cy.send(text)).type, "ack", text);
  }
  // Where ana never was: a room she did not join, a conversation she is not part of.
  assertEquals((await ben.send("zebrafish secret plan")).type, "ack");
  assertEquals((await ben.private("cy", "zebrafish between ben and cy")).type, "ack");
  assertEquals((await ben.private("ana", "zebrafish for ana")).type, "ack");
  await ana.write("zebrafish food ordered");
  await ana.waitFor((e) => e.text === "zebrafish for ana", { what: "ben's private message" });
  await ana.waitFor((e) => e.text === "zebrafish food ordered", { what: "ana's own line" });

  const searches: { line: string; found: string[] }[] = [
    {
      line: "/search zebrafish",
      found: ["zebrafish food ordered", "zebrafish for ana", "the zebrafish tank"],
    },
    { line: "/search zebrafish from:cy", found: ["the zebrafish tank"] },
    { line: "/search zebrafish in:lab from:ana", found: ["zebrafish food ordered"] },
    { line: "/search привет", found: ["привет команда"] },
    { line: "/search مرحبا", found: ["مرحبا بالجميع"] },
    { line: "/search 斑马鱼", found: ["实验室的斑马鱼"] },
  ];
  for (const { line, found } of searches) {
    const since = ana.mark();
    await ana.write(line);
    const results = await ana.waitFor((e) => e.event === "search", { since, what: line });
    assertEquals((results.results as { text: string }[]).map((r) => r.text), found, line);
  }
  const anaResult = await ana.close();
  assertEquals(anaResult.code, 0, anaResult.stderr);

  // chat search logs in as ana (this machine's device for her nick).
  const as = ["--nick", "ana"];
  const all = await runSearch([server.address, "zebrafish", ...as, "--json"], passkey);
  assertEquals(all.code, 0, all.stderr);
  assertEquals(texts(all.stdout), [
    "zebrafish food ordered",
    "zebrafish for ana",
    "the zebrafish tank",
  ]);
  const first = JSON.parse(all.stdout[1]);
  assertEquals([first.type, first.from, first.to], ["private", "ben", "ana"]);
  for (
    const { terms, found } of [
      { terms: ["привет"], found: ["привет команда"] },
      { terms: ["مرحبا"], found: ["مرحبا بالجميع"] },
      { terms: ["斑马鱼"], found: ["实验室的斑马鱼"] },
      { terms: ["zebrafish", "--room", "lab", "--from", "cy"], found: ["the zebrafish tank"] },
      { terms: ["zebrafish", "--with", "ben"], found: ["zebrafish for ana"] },
      { terms: ["zebrafish", "--limit", "1"], found: ["zebrafish food ordered"] },
    ]
  ) {
    const result = await runSearch([server.address, ...terms, ...as, "--json"], passkey);
    assertEquals([result.code, texts(result.stdout)], [0, found], terms.join(" "));
  }

  const plain = await runSearch([server.address, "tank", ...as], passkey);
  assertEquals(plain.code, 0, plain.stderr);
  assertEquals(plain.stdout.length, 1);
  assertEquals(
    /^#\d+ \d\d:\d\d lab cy: the zebrafish tank$/.test(plain.stdout[0]),
    true,
    plain.stdout[0],
  );
  const privately = await runSearch([server.address, "ana", ...as], passkey);
  assertEquals(
    /^#\d+ \d\d:\d\d → ana ben: zebrafish for ana$/.test(privately.stdout[0]),
    true,
    privately.stdout[0],
  );

  const none = await runSearch([server.address, "giraffe", ...as], passkey);
  assertEquals([none.code, none.stdout, none.stderr.trim()], [0, [], "No messages found."]);

  const elsewhere = await runSearch(
    [server.address, "zebrafish", "--room", "secret", ...as],
    passkey,
  );
  assertEquals(elsewhere.code, 1, elsewhere.stderr);
  assertEquals(elsewhere.stdout, []);
  assertStringIncludes(elsewhere.stderr, "You have not joined secret");
});
