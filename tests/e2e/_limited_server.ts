import { type ChatServer, type ServerOptions, startServer } from "./_server.ts";

/** Options of {@linkcode startLimitedServer}: those of `startServer` but a fixed port. */
export type LimitedServerOptions = Omit<ServerOptions, "port">;

/**
 * `chat serve` with the abuse-limit flags of a test in `extraArgs` (`--rate`, `--burst`,
 * `--max-connections…`, `--handshake-timeout`), on a port the OS picks. It listens on loopback
 * only; clients may connect from any 127.0.0.0/8 address.
 */
export function startLimitedServer(options: LimitedServerOptions = {}): Promise<ChatServer> {
  return startServer(options);
}
