/**
 * The reactions under a message: one chip per emoji, in the order each was first given, showing
 * the emoji and how many gave it. Who reacted is in the chip's title and accessible name
 * ("👍 2: ana, ben"), so a screen reader hears it as a sighted reader sees it on hover; a chip
 * the reader is among is pressed (`aria-pressed`), and clicking a chip gives or takes back the
 * reader's own reaction.
 *
 * @module
 */
import { nickKey } from "../../src/protocol/names.ts";
import { el } from "../elements.ts";

/** A chip's accessible name: the emoji, the count and who. */
export function chipName(emoji: string, nicks: readonly string[]): string {
  return `${emoji} ${nicks.length}: ${nicks.join(", ")}`;
}

/**
 * The `div.reactions` of a message, or undefined when it has none; `toggle` is called with an
 * emoji and whether the reader takes it back.
 *
 * @example
 * ```ts ignore
 * const chips = reactionChips(entry.reactions, "ana", (emoji, remove) => react(id, emoji, remove));
 * if (chips !== undefined) row.append(chips);
 * ```
 */
export function reactionChips(
  reactions: ReadonlyMap<string, readonly string[]>,
  self: string,
  toggle: (emoji: string, remove: boolean) => void,
): HTMLElement | undefined {
  if (reactions.size === 0) return undefined;
  const key = nickKey(self);
  const chips = [...reactions].map(([emoji, nicks]) => {
    const mine = nicks.some((nick) => nickKey(nick) === key);
    const name = chipName(emoji, nicks);
    const chip = el(
      "button",
      {
        className: "chip",
        attrs: { type: "button", title: name, "aria-label": name, "aria-pressed": String(mine) },
        data: { emoji },
      },
      el("span", { className: "emoji" }, emoji),
      " ",
      el("span", { className: "count" }, String(nicks.length)),
    );
    chip.addEventListener("click", () => toggle(emoji, mine));
    return chip;
  });
  return el(
    "div",
    { className: "reactions", attrs: { role: "group", "aria-label": "Reactions" } },
    ...chips,
  );
}
