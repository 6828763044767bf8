import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";
import { sharedNats, testNatsContext } from "../support/nats.ts";

/** Two nodes of one cluster (two connections, one prefix), each with its store. */
export interface TwoNodes<S> extends AsyncDisposable {
  contexts: [NatsContext, NatsContext];
  stores: [S, S];
}

/**
 * Two nodes, `n1` and `n2`, on the shared test server with a prefix of their own, and a store
 * opened on each (the second opens what the first created); closed on dispose.
 *
 * @example
 * ```ts ignore
 * await using nodes = await twoNodes((context) => KvIdentityStore.open(context));
 * const [a, b] = nodes.stores;
 * ```
 */
export async function twoNodes<S extends { close(): Promise<void> }>(
  open: (context: NatsContext) => Promise<S>,
): Promise<TwoNodes<S>> {
  const first = await testNatsContext("n1");
  const second = await connectCluster({
    servers: (await sharedNats()).urls,
    node: "n2",
    prefix: first.context.prefix,
    replicas: 1,
  });
  const stores = [await open(first.context), await open(second)] as [S, S];
  return {
    contexts: [first.context, second],
    stores,
    async [Symbol.asyncDispose]() {
      for (const store of stores) await store.close();
      await second.nc.close();
      await first.cleanup();
    },
  };
}
