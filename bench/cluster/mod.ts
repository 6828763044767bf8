/**
 * The cluster benchmark's parts, for bench/cluster.ts: the cluster and its faults, the failover
 * client, the ledger of event ids and the report.
 *
 * @module
 */
export * from "./cluster.ts";
export * from "./delivery_ledger.ts";
export * from "./failover_adapter.ts";
export * from "./faults.ts";
export * from "./report.ts";
