import { assertEquals } from "@std/assert";
import { roomFlags, type RoomSettings, settingsChange } from "../../../web/host/room_settings.ts";

const PLAIN: RoomSettings = {
  room: "hall",
  announce: false,
  locked: false,
  slow_s: 0,
  files: true,
  closed: false,
};

Deno.test("roomFlags() words the settings that restrict a room, most restrictive first", () => {
  const cases: [Partial<RoomSettings>, string[]][] = [
    [{}, []],
    [{ topic: "Exams on Friday" }, []],
    [{ announce: true }, ["Announcements only"]],
    [{ slow_s: 10, locked: true }, ["Passkey", "Slow mode: 10 s"]],
    [
      { closed: true, announce: true, locked: true, slow_s: 5, files: false },
      ["Closed", "Announcements only", "Passkey", "Slow mode: 5 s", "No files"],
    ],
  ];
  for (const [changes, expected] of cases) {
    assertEquals(roomFlags({ ...PLAIN, ...changes }), expected, JSON.stringify(changes));
  }
});

Deno.test("settingsChange() sends only what the form changed", () => {
  const form: Parameters<typeof settingsChange>[1] = {
    topic: "",
    announce: false,
    passkey: undefined,
    slow_s: 0,
    files: true,
    closed: false,
  };
  const cases: [RoomSettings, Partial<typeof form>, unknown][] = [
    [PLAIN, {}, { set: {} }],
    [PLAIN, { topic: "Exams" }, { topic: "Exams", set: {} }],
    [{ ...PLAIN, topic: "Exams" }, { topic: "" }, { topic: "", set: {} }],
    [{ ...PLAIN, topic: "Exams" }, { topic: "Exams" }, { set: {} }],
    [PLAIN, { announce: true, slow_s: 10 }, { set: { announce: true, slow_s: 10 } }],
    [PLAIN, { passkey: "s3cret" }, { set: { passkey: "s3cret" } }],
    [{ ...PLAIN, locked: true }, { passkey: "" }, { set: { passkey: "" } }],
    [{ ...PLAIN, files: false, closed: true }, { files: false, closed: false }, {
      set: { closed: false },
    }],
  ];
  for (const [before, changes, expected] of cases) {
    assertEquals(
      settingsChange(before, { ...form, ...changes }),
      expected,
      JSON.stringify(changes),
    );
  }
});
