/**
 * The bottom layer: small tools every other layer may import, and which import nothing of the
 * project's own — a token bucket, reading a whole buffer, incremental SHA-256 on a worker, and the
 * pool of large frame buffers.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./mod.ts";
 * new TokenBucket({ perSecond: 1, burst: 1 }).take(); // true
 * ```
 *
 * @module
 */
export * from "./frame_buffer_pool.ts";
export * from "./incremental_sha256.ts";
export * from "./portable_sha256.ts";
export * from "./read_full.ts";
export * from "./token_bucket.ts";
export * from "./duration.ts";
export * from "./error_reason.ts";
