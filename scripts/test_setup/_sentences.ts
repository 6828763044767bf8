/**
 * The phrases the setup's sentences share: lists joined with "and", and who needs which package.
 *
 * @module
 */
import type { NeededPackage } from "./needed_packages.ts";

/** `a`, `a and b`, `a, b and c`. */
export function listed(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** `it` for one package, `them` for more. */
export function them(packages: readonly NeededPackage[]): string {
  return packages.length === 1 ? "it" : "them";
}

/** The package names separated by spaces, as `apt-get install` takes them. */
export function names(packages: readonly NeededPackage[]): string {
  return packages.map((row) => row.name).join(" ");
}

/**
 * Who needs what: `the browser tests need Debian's chromium and the terminal tests need tmux`.
 * Rows needed by the same tests share one clause (`the cluster tests need nats-server and
 * iproute2`); "Debian's" goes before the first package only, to say where they all come from.
 */
export function needs(packages: readonly NeededPackage[]): string {
  const byNeed = Map.groupBy(packages, (row) => row.neededBy);
  let first = true;
  const clauses = [...byNeed].map(([neededBy, rows]) => {
    const packageNames = rows.map((row) => {
      const name = first ? `Debian's ${row.name}` : row.name;
      first = false;
      return name;
    });
    return `${neededBy} need ${listed(packageNames)}`;
  });
  return listed(clauses);
}

/** `text` with its first letter in upper case, to open a sentence. */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
