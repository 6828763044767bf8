/**
 * A two-machine LAN inside this one, for the discovery tests: two network namespaces joined by
 * a veth pair, `10.77.0.1/24` on one end and `10.77.0.2/24` on the other, both up with the
 * MULTICAST flag, and loopback up in each. Nothing else is on that link, and neither namespace
 * has a default route, as on a hotspot or a cable between two laptops.
 *
 * Names are new each run (`chat-XXXXXXXX-s`, `-c`; interfaces `cvXXXXXXXXs`, `-c`), so a run
 * that crashed cannot collide with the next. Every `ip` command is bounded in time, and disposing
 * deletes both namespaces, which takes the veth pair with them.
 *
 * Creating namespaces needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2's `ip`; without
 * them, {@linkcode createLan} fails with a sentence that says so: a test that cannot build its
 * network fails, it does not pass quietly.
 *
 * @module
 */

/** How long one `ip` command may take. */
const IP_TIMEOUT_MS = 5_000;

/** One end of the link: a namespace and its address there. */
export interface LanHost {
  /** The network namespace, for `ip netns exec`. */
  namespace: string;
  /** Its veth interface. */
  device: string;
  /** Its IPv4 address on the link. */
  address: string;
}

/** Two hosts on one link, removed on dispose. */
export interface Lan extends AsyncDisposable {
  server: LanHost;
  client: LanHost;
}

/** Runs `ip ...args`; resolves with its stdout, rejects with a sentence naming the command. */
async function ip(...args: string[]): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("ip", {
      args,
      stdin: "null",
      signal: AbortSignal.timeout(IP_TIMEOUT_MS),
    }).output();
  } catch (error) {
    throw new Error(`Could not run "ip ${args.join(" ")}": ${error}`);
  }
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (!output.success) {
    throw new Error(`"ip ${args.join(" ")}" failed (exit ${output.code}): ${stderr}`);
  }
  return new TextDecoder().decode(output.stdout);
}

/**
 * Builds the link and resolves once both ends are up with MULTICAST; on any failure removes what
 * it made and rejects with why, and what the test needs.
 */
export async function createLan(): Promise<Lan> {
  if (Deno.uid() !== 0) {
    throw new Error(
      "The discovery test builds a LAN of two network namespaces, which only root may do; run " +
        "the tests as root (as CI does).",
    );
  }
  const id = crypto.randomUUID().slice(0, 8);
  const server = { namespace: `chat-${id}-s`, device: `cv${id}s`, address: "10.77.0.1" };
  const client = { namespace: `chat-${id}-c`, device: `cv${id}c`, address: "10.77.0.2" };
  const created: string[] = [];
  const remove = async () => {
    for (const namespace of created.splice(0).reverse()) {
      await ip("netns", "delete", namespace).catch((error) => console.error(String(error)));
    }
  };
  try {
    for (const host of [server, client]) {
      await ip("netns", "add", host.namespace);
      created.push(host.namespace);
    }
    await ip(
      ...["link", "add", server.device, "netns", server.namespace, "type", "veth"],
      ...["peer", "name", client.device, "netns", client.namespace],
    );
    for (const host of [server, client]) {
      await ip("-n", host.namespace, "address", "add", `${host.address}/24`, "dev", host.device);
      await ip("-n", host.namespace, "link", "set", "lo", "up");
      await ip("-n", host.namespace, "link", "set", host.device, "multicast", "on", "up");
      const link = await ip("-n", host.namespace, "-o", "link", "show", host.device);
      const flags = link.match(/<([^>]*)>/)?.[1].split(",") ?? [];
      if (!flags.includes("MULTICAST") || !flags.includes("UP")) {
        throw new Error(`${host.device} in ${host.namespace} is not up with MULTICAST: ${link}`);
      }
    }
  } catch (error) {
    await remove();
    throw new Error(
      `Could not build the test LAN of two network namespaces: ${(error as Error).message}. ` +
        "It needs root with CAP_SYS_ADMIN and CAP_NET_ADMIN, and iproute2.",
    );
  }
  return { server, client, [Symbol.asyncDispose]: remove };
}
