/**
 * The addresses other machines can reach this one on: non-internal IPv4 interfaces first, then
 * IPv6 ones that are not link-local. Empty when the OS will not say.
 */
export function lanAddresses(): string[] {
  let interfaces: Deno.NetworkInterfaceInfo[];
  try {
    interfaces = Deno.networkInterfaces();
  } catch {
    return [];
  }
  const v4 = interfaces.filter((i) => i.family === "IPv4" && !i.address.startsWith("127."));
  const v6 = interfaces.filter((i) =>
    i.family === "IPv6" && i.address !== "::1" && !i.address.toLowerCase().startsWith("fe80")
  );
  return [...new Set([...v4, ...v6].map((i) => i.address))];
}
