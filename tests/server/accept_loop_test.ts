import { assert, assertEquals } from "@std/assert";
import { AcceptLoop, type Served } from "../../src/server/accept_loop.ts";
import { BurstLog } from "../../src/server/burst_log.ts";
import { ConnectionLimits } from "../../src/server/connection_limits.ts";
import { DescriptorReserve } from "../../src/server/descriptor_reserve.ts";

/** What a test listener's accept() gives next: a connection from an address, or an error. */
type Next = { from: string } | { error: string; code?: string };

/** A connection that only records being closed. */
class FakeConn {
  closed = false;
  readonly remoteAddr: Deno.NetAddr;

  constructor(hostname: string, port: number) {
    this.remoteAddr = { transport: "tcp", hostname, port };
  }

  close(): void {
    if (this.closed) throw new Deno.errors.BadResource("closed twice");
    this.closed = true;
  }
}

/** A listener whose accept() follows a script, then waits until closed. */
class ScriptedListener {
  readonly acceptedAt: number[] = [];
  readonly conns: FakeConn[] = [];
  readonly addr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 7777 };
  readonly #script: Next[];
  #closed = Promise.withResolvers<never>();

  constructor(script: Next[]) {
    this.#script = [...script];
  }

  accept(): Promise<Deno.Conn> {
    this.acceptedAt.push(performance.now());
    const next = this.#script.shift();
    if (next === undefined) return this.#closed.promise;
    if ("error" in next) {
      return Promise.reject(Object.assign(new Error(next.error), { code: next.code }));
    }
    const conn = new FakeConn(next.from, 40_000 + this.conns.length);
    this.conns.push(conn);
    return Promise.resolve(conn as unknown as Deno.Conn);
  }

  close(): void {
    this.#closed.reject(new Deno.errors.BadResource("Listener has been closed"));
    this.#closed.promise.catch(() => {});
  }
}

/** A served connection that ends when told. */
function servedUntilEnded(conn: Deno.Conn) {
  const ended = Promise.withResolvers<void>();
  const served: Served & { end(): void } = {
    done: ended.promise,
    close: () => {
      conn.close();
      ended.resolve();
    },
    end: () => ended.resolve(),
  };
  return served;
}

function setup(script: Next[], options: { total?: number; perAddress?: number } = {}) {
  const listener = new ScriptedListener(script);
  const lines: string[] = [];
  const limits = new ConnectionLimits({
    total: options.total ?? 0,
    perAddress: options.perAddress ?? 0,
  });
  const served: (Served & { end(): void })[] = [];
  const refused: string[] = [];
  const loop = new AcceptLoop(listener as unknown as Deno.Listener, {
    name: "test port",
    limits,
    log: new BurstLog((line) => lines.push(line)),
    serve(conn) {
      const one = servedUntilEnded(conn);
      served.push(one);
      return one;
    },
    refuse(_conn, reason) {
      refused.push(reason);
      return Promise.resolve();
    },
  });
  return { listener, lines, limits, served, refused, loop };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const EMFILE = { error: "Too many open files (os error 24)", code: "EMFILE" };

Deno.test("AcceptLoop survives failed accepts, pausing 50 ms doubling, logging the burst once", async () => {
  const { listener, lines, served, loop } = setup([
    EMFILE,
    EMFILE,
    EMFILE,
    EMFILE,
    { from: "192.0.2.1" },
    { error: "Connection aborted", code: "ECONNABORTED" },
    { from: "192.0.2.2" },
  ]);
  await until(() => served.length === 2, "both connections to be served");
  const gaps = listener.acceptedAt.slice(1).map((at, i) => at - listener.acceptedAt[i]);
  const expected = [50, 100, 200, 400, 0, 50, 0];
  for (const [i, gap] of gaps.entries()) {
    assert(
      gap >= expected[i] - 5 && gap < expected[i] + 150,
      `pause ${i}: ${gap} ms, not ${expected[i]}`,
    );
  }
  assertEquals(lines.length, 1, lines.join("\n"));
  assertEquals(
    lines[0],
    "test port: could not accept a connection (Too many open files (os error 24)); pausing and " +
      "retrying, without logging this again until it has not happened for 10 s",
  );
  await loop.stop();
});

Deno.test("AcceptLoop pauses at most a second between failed accepts", async () => {
  const { listener, loop } = setup(Array.from({ length: 7 }, () => EMFILE));
  await until(() => listener.acceptedAt.length === 8, "eight accepts");
  const last = listener.acceptedAt[7] - listener.acceptedAt[6];
  assert(last >= 995 && last < 1200, `the seventh pause is 1 s, not ${last} ms`);
  await loop.stop();
});

Deno.test("AcceptLoop counts connections in when accepted and out when closed, refusing the rest", async () => {
  const { listener, limits, served, refused, lines, loop } = setup(
    [{ from: "192.0.2.1" }, { from: "192.0.2.1" }, { from: "192.0.2.2" }, { from: "192.0.2.3" }],
    { total: 2, perAddress: 1 },
  );
  await until(() => listener.acceptedAt.length === 5, "every connection to be accepted");
  await until(() => refused.length === 2, "two refusals");
  assertEquals(refused, [
    "Too many connections from 192.0.2.1 (limit 1).",
    "The server is full (2 connections); try again later.",
  ]);
  assertEquals(served.length, 2);
  assertEquals(limits.open, 2);
  await until(() => listener.conns[1].closed && listener.conns[3].closed, "refused ones closed");
  assertEquals([listener.conns[0].closed, listener.conns[2].closed], [false, false]);
  assertEquals(lines, ["refused 192.0.2.1:40001: Too many connections from 192.0.2.1 (limit 1)."]);
  served[0].end();
  await until(() => limits.open === 1, "the ended connection to be counted out");
  await loop.stop();
});

Deno.test("AcceptLoop waits while 32 refusals are in progress, so they cannot pile up", async () => {
  const pending: PromiseWithResolvers<void>[] = [];
  const full = new ScriptedListener(Array.from({ length: 40 }, () => ({ from: "192.0.2.9" })));
  const limits = new ConnectionLimits({ total: 1, perAddress: 0 });
  limits.admit("192.0.2.1");
  const busy = new AcceptLoop(full as unknown as Deno.Listener, {
    name: "test port",
    limits,
    log: new BurstLog(() => {}),
    serve: servedUntilEnded,
    refuse() {
      const refusal = Promise.withResolvers<void>();
      pending.push(refusal);
      return refusal.promise;
    },
  });
  await until(() => pending.length === 32, "32 refusals in progress");
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertEquals(full.acceptedAt.length, 32, "no accept while 32 refusals are in progress");
  pending[0].resolve();
  await until(() => pending.length === 33, "one more refusal once one ended");
  for (const refusal of pending) refusal.resolve();
  await until(() => full.acceptedAt.length === 41, "the rest");
  await busy.stop();
});

Deno.test("AcceptLoop.stop() ends a pause at once; closeAll() and settled() cover every connection", async () => {
  const { served, loop, listener } = setup([
    { from: "192.0.2.1" },
    { from: "192.0.2.2" },
    EMFILE,
    EMFILE,
    EMFILE,
    EMFILE,
    EMFILE,
  ]);
  await until(() => listener.acceptedAt.length >= 6, "a long pause");
  const started = performance.now();
  await loop.stop();
  assert(performance.now() - started < 100, "stop() did not wait out the pause");
  assertEquals(served.length, 2);
  loop.closeAll();
  await loop.settled();
  assertEquals(listener.conns.map((conn) => conn.closed), [true, true]);
});

Deno.test("AcceptLoop tells the reserve of each admission and of running out of descriptors", async () => {
  const listener = new ScriptedListener([{ from: "192.0.2.1" }, EMFILE]);
  const limits = new ConnectionLimits({ total: 0, perAddress: 0 });
  let opened = 0;
  const reserve = new DescriptorReserve({
    open: () => {
      opened++;
      return { close() {} };
    },
    limits,
    log: () => {},
    size: 4,
  });
  const loop = new AcceptLoop(listener as unknown as Deno.Listener, {
    name: "test port",
    limits,
    reserve,
    log: new BurstLog(() => {}),
    serve: servedUntilEnded,
    refuse: () => Promise.resolve(),
  });
  await until(() => listener.acceptedAt.length === 3, "the failed accept");
  assertEquals(opened, 5, "four held, one checked after the admission");
  assertEquals([reserve.held, limits.total], [0, 3], "capped: 1 open + 4 held, half kept");
  await loop.stop();
});
