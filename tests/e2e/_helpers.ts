/**
 * Helpers for the end-to-end tests: they run the real CLI (`chat serve`, `chat join`) as child
 * processes and speak the wire protocol directly with {@linkcode TestClient}. Every wait has a
 * timeout and fails with what was received; every child and connection is released on dispose,
 * so tests hold them with `await using`.
 *
 * @module
 */
export { DEFAULT_TIMEOUT_MS, MAIN, unusedPort, withTimeout } from "../support/mod.ts";
export {
  CliProcess,
  hasStackTrace,
  makeTempDir,
  meaningfulLines,
  stripAnsi,
  type TempDir,
} from "./_cli.ts";
export { LineCollector } from "./_lines.ts";
export { type ChatServer, type ServerOptions, startServer, type StopResult } from "./_server.ts";
export {
  type JoinClient,
  type JoinOptions,
  type JoinResult,
  type JsonEvent,
  runJoin,
  spawnJoin,
  toJoinResult,
} from "./_join.ts";
export { type HelloOptions, type Received, TestClient } from "./_test_client.ts";
