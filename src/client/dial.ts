import { ChatError } from "./chat_error.ts";

/**
 * Opens a TCP connection, turning every way it can fail into a {@linkcode ChatError} with one
 * sentence that says what to check.
 */
export async function dial(
  options: { hostname: string; port: number; connectTimeoutMs?: number },
): Promise<Deno.TcpConn> {
  const { hostname, port } = options;
  const where = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
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
  const connecting = Deno.connect({ hostname, port });
  try {
    return await Promise.race([connecting, timeout]);
  } catch (error) {
    connecting.then((conn) => conn.close(), () => {});
    if (error instanceof ChatError) throw error;
    if (error instanceof Deno.errors.ConnectionRefused) {
      throw new ChatError(
        "connection_refused",
        `Could not connect to ${where}: connection refused. Is "chat serve" running there?`,
      );
    }
    const text = error instanceof Error ? error.message : String(error);
    if (error instanceof Deno.errors.NotFound || /lookup|resolve|name or service/i.test(text)) {
      throw new ChatError("unknown_host", `Unknown host "${hostname}"; check the address.`);
    }
    throw new ChatError("connect_failed", `Could not connect to ${where}: ${text}.`);
  } finally {
    clearTimeout(timer);
  }
}
