import { assertEquals } from "@std/assert";
import { type JsonEvent, spawnJoin, startServer } from "./_helpers.ts";

Deno.test("chat join: /reply, /react, /edit and /delete reach the other person's --json with their fields", async () => {
  await using server = await startServer({ quiet: true });
  const passkey = server.passkey;
  await using ana = spawnJoin([server.address, "--nick", "ana", "--json"], { passkey });
  await ana.ready();
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], { passkey });
  await ben.ready();

  await ana.write("lunch at 12?");
  const original = await ben.waitFor((e) => e.text === "lunch at 12?", { what: "ana's question" });
  const id = original.id!;

  // A reply carries the id it answers and the start of that message.
  await ben.write(`/reply ${id} yes, the usual place`);
  const reply = await ana.waitFor((e) => e.text === "yes, the usual place", { what: "the reply" });
  assertEquals([reply.type, reply.from, reply.reply_to, reply.quote], [
    "message",
    "ben",
    id,
    { from: "ana", text: "lunch at 12?" },
  ]);

  // A reaction names the message, with its whole summary as ana's client now has it.
  await ben.write(`/react #${id} 👍`);
  const reaction = await ana.waitFor((e) => e.type === "reaction", { what: "ben's reaction" });
  assertEquals(pick(reaction, ["from", "ref", "emoji", "reactions"]), {
    from: "ben",
    ref: id,
    emoji: "👍",
    reactions: [{ emoji: "👍", nicks: ["ben"] }],
  });
  let since = ana.mark();
  await ben.write(`/react ${id} -👍`);
  const removed = await ana.waitFor((e) => e.type === "reaction", { since, what: "the removal" });
  assertEquals(pick(removed, ["ref", "emoji", "remove", "reactions"]), {
    ref: id,
    emoji: "👍",
    remove: true,
    reactions: [],
  });

  // Editing another's message is refused, as one error line; the message stays as it was.
  since = ben.mark();
  await ben.write(`/edit ${id} hacked`);
  const refused = await ben.waitFor((e) => e.type === "error", { since, what: "the refusal" });
  assertEquals(refused.code, "not_permitted");

  // /edit without an id changes the last own message here.
  await ana.write("/edit lunch at 1?");
  const edit = await ben.waitFor((e) => e.type === "edit", { what: "ana's edit" });
  assertEquals(pick(edit, ["from", "ref", "text"]), { from: "ana", ref: id, text: "lunch at 1?" });

  // A private message is answered privately, and /delete takes the last own message here back.
  await ana.write("/msg ben psst");
  const psst = await ben.waitFor((e) => e.text === "psst", { what: "the private message" });
  await ben.write(`/reply ${psst.id} ok`);
  const privateReply = await ana.waitFor((e) => e.text === "ok", { what: "the private reply" });
  assertEquals(pick(privateReply, ["type", "to", "reply_to", "quote"]), {
    type: "private",
    to: "ana",
    reply_to: psst.id,
    quote: { from: "ana", text: "psst" },
  });
  // In the conversation with ana, the last own message is the private reply.
  await ben.write("/query ana");
  await ben.write("/delete");
  await ben.write("/query");
  const deleted = await ana.waitFor((e) => e.type === "delete", { what: "ben's delete" });
  assertEquals(pick(deleted, ["from", "ref", "text"]), {
    from: "ben",
    ref: privateReply.id,
    text: "",
  });

  // A newcomer's page shows the messages as they read now.
  await ana.write(`/react ${reply.id} 🎉`);
  await ben.waitFor((e) => e.type === "reaction" && e.emoji === "🎉", { what: "ana's 🎉" });
  await ana.write(`/delete ${id}`);
  await ben.waitFor((e) => e.type === "delete" && e.ref === id, { what: "the deleted question" });
  await using cy = spawnJoin([server.address, "--nick", "cy", "--json"], { passkey });
  await cy.ready();
  const page = cy.events.filter((e) => e.history && (e.id === id || e.id === reply.id));
  assertEquals(
    page.map((e) => pick(e, ["id", "text", "deleted", "reply_to", "quote", "reactions"])),
    [
      { id, text: "", deleted: true },
      {
        id: reply.id,
        text: "yes, the usual place",
        reply_to: id,
        quote: { from: "ana", text: "", deleted: true },
        reactions: [{ emoji: "🎉", nicks: ["ana"] }],
      },
    ],
  );

  const anaResult = await ana.close();
  assertEquals(anaResult.code, 0, anaResult.stderr);
  const benResult = await ben.close();
  assertEquals(benResult.code, 1, "the refused /edit is counted");
  assertEquals(
    benResult.stderr.includes("1 of the input lines were refused"),
    true,
    benResult.stderr,
  );
});

Deno.test("chat join: /edit of a message that does not exist is one error line", async () => {
  await using server = await startServer({ quiet: true });
  await using ana = spawnJoin([server.address, "--nick", "ana", "--json"], {
    passkey: server.passkey,
  });
  await ana.ready();
  await ana.write("/edit 9999 nothing");
  const error = await ana.waitFor((e) => e.type === "error", { what: "the error" });
  assertEquals(error.code, "no_such_message");
  assertEquals((await ana.close()).code, 1);
});

/** The fields of `event` named, those it has. */
function pick(event: JsonEvent, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => field in event).map((f) => [f, event[f]]));
}
