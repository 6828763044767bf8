import { assertEquals } from "@std/assert";
import { ConnectionLimits } from "../../src/server/connection_limits.ts";
import { DescriptorReserve, isOutOfDescriptors } from "../../src/server/descriptor_reserve.ts";

/** A process with `free` descriptors: opening takes one, closing gives it back. */
function process(free: number) {
  const state = { free, open: 0 };
  const open = () => {
    if (state.free === 0) {
      throw Object.assign(new Error("Too many open files (os error 24)"), { code: "EMFILE" });
    }
    state.free--;
    state.open++;
    let closed = false;
    return {
      close() {
        if (closed) return;
        closed = true;
        state.free++;
        state.open--;
      },
    };
  };
  return { state, open };
}

function reserveOn(free: number, options: { total?: number; size?: number } = {}) {
  const { state, open } = process(free);
  const limits = new ConnectionLimits({ total: options.total ?? 0, perAddress: 0 });
  const lines: string[] = [];
  const reserve = new DescriptorReserve({
    open,
    limits,
    log: (line) => lines.push(line),
    size: options.size ?? 10,
  });
  /** A connection arrives: it takes a descriptor if the limits admit it. */
  const connect = () => {
    if (limits.admit("192.0.2.1") !== undefined) return false;
    open();
    reserve.afterAdmit();
    return true;
  };
  return { state, limits, lines, reserve, connect };
}

Deno.test("DescriptorReserve holds its descriptors, and lets them go when connections take the rest", () => {
  const { state, limits, lines, reserve, connect } = reserveOn(30);
  assertEquals([reserve.held, state.free], [10, 20]);
  let admitted = 0;
  while (connect()) admitted++;
  assertEquals(admitted, 20, "connections took every descriptor but the reserve");
  assertEquals(reserve.held, 0, "then the reserve was let go");
  assertEquals(limits.total, 20, "and connections capped where they were");
  assertEquals(state.free, 10, "so files have the reserve");
  assertEquals(lines, [
    "out of file descriptors at 20 connections: at most 20 from now on, keeping 10 descriptors " +
    "for files (raise ulimit -n for more, then restart)",
  ]);
});

Deno.test("DescriptorReserve keeps at most half of what connections and reserve share", () => {
  const { state, limits, reserve, connect } = reserveOn(14);
  assertEquals(reserve.held, 10);
  while (connect());
  // 4 connections and 10 held share 14: 7 for each.
  assertEquals([limits.total, limits.open, state.free], [7, 7, 7]);
});

Deno.test("DescriptorReserve on a process with fewer descriptors than the reserve holds half", () => {
  const { state, reserve } = reserveOn(6);
  assertEquals([reserve.held, state.free], [3, 3]);
});

Deno.test("DescriptorReserve caps connections when accept() runs out first, never below those open", () => {
  const { limits, reserve, state } = reserveOn(30);
  for (let i = 0; i < 3; i++) limits.admit("192.0.2.1");
  reserve.exhausted();
  // 3 connections and 10 held share 13: 6 are kept for files, so at most 7 connections.
  assertEquals([limits.total, reserve.held, state.free], [7, 0, 30]);
  reserve.exhausted();
  assertEquals(limits.total, 7, "capped once");
});

Deno.test("DescriptorReserve never raises a configured total", () => {
  const { limits, reserve } = reserveOn(30, { total: 5 });
  limits.admit("192.0.2.1");
  reserve.exhausted();
  assertEquals(limits.total, 5);
});

Deno.test("DescriptorReserve without placeholders to open holds none and caps nothing", () => {
  const limits = new ConnectionLimits({ total: 0, perAddress: 0 });
  const reserve = new DescriptorReserve({
    open: () => {
      throw new Deno.errors.NotSupported("no directories here");
    },
    limits,
    log: () => {},
  });
  reserve.afterAdmit();
  reserve.exhausted();
  assertEquals([reserve.held, limits.total], [0, 0]);
});

Deno.test("isOutOfDescriptors() knows EMFILE and ENFILE only", () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  assertEquals(
    [withCode("EMFILE"), withCode("ENFILE"), withCode("ECONNRESET"), new Error("x"), null].map(
      isOutOfDescriptors,
    ),
    [true, true, false, false, false],
  );
});
