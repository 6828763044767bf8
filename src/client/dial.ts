import { formatAddress } from "./address.ts";
import tls from "node:tls";
import { formatFingerprint } from "../protocol/mod.ts";
import { type Connection, NodeSocketConnection, TcpConnection } from "../transport/mod.ts";
import { ChatError } from "./chat_error.ts";
import { failover } from "./failover.ts";

/** How a TLS client decides to trust a server's certificate. */
export interface TlsTrust {
  /**
   * Called with the certificate's fingerprint and whether a trusted CA vouches for it (chain
   * and name); resolves to accept it, rejects with a {@linkcode ChatError} to refuse.
   */
  check(
    fingerprint: string,
    details: { where: string; authorized: boolean; reason: string },
  ): Promise<void>;
}

/** A trust decision slower than this (a person read the fingerprint) is followed by a fresh
 * connection: the first may have outlived the server's handshake timeout. */
const SLOW_DECISION_MS = 2000;

/** Settings of {@linkcode dial}. */
export interface DialOptions {
  hostname: string;
  port: number;
  connectTimeoutMs?: number;
  /** Connect with TLS: certificates from a trusted CA pass, others go to `check`. */
  tls?: TlsTrust;
}

/**
 * What `ChatClient.connect` and the reconnecting client call to open each connection:
 * TCP, or TLS, to one address.
 *
 * @example
 * ```ts ignore
 * const open = dialer({ hostname: "192.168.1.20", port: 7777 });
 * const connection = await open();
 * ```
 */
export function dialer(options: DialOptions): () => Promise<Connection> {
  return () => dial(options);
}

/**
 * Opens a connection, turning every way it can fail into a {@linkcode ChatError} with one
 * sentence that says what to check.
 */
export async function dial(options: DialOptions): Promise<Connection> {
  const { hostname, port } = options;
  const where = formatAddress({ hostname, port });
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChatError("timeout", `Timed out after ${timeoutMs / 1000} s connecting to ${where}.`),
        ),
      timeoutMs,
    );
  });
  const connecting = options.tls === undefined
    ? Deno.connect({ hostname, port }).then((conn) => new TcpConnection(conn))
    : connectTls(hostname, port, where, options.tls);
  try {
    return await Promise.race([connecting, timeout]);
  } catch (error) {
    connecting.then((connection) => connection.close(), () => {});
    throw toChatError(error, hostname, where);
  } finally {
    clearTimeout(timer);
  }
}

async function connectTls(
  hostname: string,
  port: number,
  where: string,
  trust: TlsTrust,
): Promise<Connection> {
  const isIp = /^[\d.]+$/.test(hostname) || hostname.includes(":");
  const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    // Verification is done below: by the CA chain when it holds, else by fingerprint.
    const socket = tls.connect({
      host: hostname,
      port,
      servername: isIp ? undefined : hostname,
      rejectUnauthorized: false,
    }, () => resolve(socket));
    socket.once("error", reject);
  });
  const raw = socket.getPeerCertificate()?.raw as Uint8Array | undefined;
  if (raw === undefined) {
    socket.destroy();
    throw new ChatError("tls_untrusted", `The server at ${where} sent no certificate.`);
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(raw)));
  const started = Date.now();
  try {
    await trust.check(formatFingerprint(digest), {
      where,
      authorized: socket.authorized,
      reason: String(socket.authorizationError ?? "not signed by a trusted authority"),
    });
  } catch (error) {
    socket.destroy();
    throw error;
  }
  if (Date.now() - started > SLOW_DECISION_MS) {
    socket.destroy();
    return await connectTls(hostname, port, where, trust);
  }
  return new NodeSocketConnection(socket, where);
}

function toChatError(error: unknown, hostname: string, where: string): ChatError {
  if (error instanceof ChatError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string })?.code;
  if (error instanceof Deno.errors.ConnectionRefused || code === "ECONNREFUSED") {
    return new ChatError(
      "connection_refused",
      `Could not connect to ${where}: connection refused. Is "chat serve" running there?`,
    );
  }
  if (
    error instanceof Deno.errors.NotFound || code === "ENOTFOUND" ||
    /lookup|resolve|name or service/i.test(text)
  ) {
    return new ChatError("unknown_host", `Unknown host "${hostname}"; check the address.`);
  }
  if (/tls|ssl|handshake|certificate|record/i.test(text)) {
    return new ChatError(
      "tls_failed",
      `Could not set up TLS with ${where} (${
        text.replace(/\.$/, "")
      }); is the server started with --tls?`,
    );
  }
  return new ChatError(
    "connect_failed",
    `Could not connect to ${where}: ${text.replace(/\.$/, "")}.`,
  );
}

/**
 * Dials the nodes of a cluster (`chat join a,b,c`): the one that answered last first, then the
 * others in a random order, and resolves with the first connection made; so a client whose node
 * died is on another at its next attempt, and a dead node's clients spread over the others.
 * Rejects with the last node's error when none answers.
 *
 * @example
 * ```ts ignore
 * const open = failoverDialer([{ hostname: "10.0.0.1", port: 7777 }, { hostname: "10.0.0.2", port: 7777 }]);
 * const connection = await open();
 * ```
 */
export function failoverDialer(
  nodes: readonly { hostname: string; port: number }[],
  options: Omit<DialOptions, "hostname" | "port"> = {},
): () => Promise<Connection> {
  return failover(nodes, (node) => dial({ ...options, ...node }));
}
