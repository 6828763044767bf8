/**
 * The dialog an operator fills in to kick, mute or ban someone from the member list: why (the
 * room is told), and for a mute or a ban how long, and for a ban whether their address too.
 *
 * @module
 */
import { MAX_REASON_CHARS } from "../../src/protocol/messages.ts";
import { el } from "../elements.ts";
import { checkbox, labelled, openDialogForm } from "./dialog_form.ts";
import type { HostRequest } from "./host_request.ts";

/** What an operator does to someone with a reason. */
export type Sanction = "kick" | "mute" | "ban";

/** How long a mute or a ban may last, as offered; `0`: until lifted. */
const DURATIONS: readonly (readonly [string, number])[] = [
  ["15 minutes", 15 * 60],
  ["1 hour", 60 * 60],
  ["1 day", 24 * 60 * 60],
  ["1 week", 7 * 24 * 60 * 60],
  ["Until lifted", 0],
];

/** The dialog's wording of each sanction. */
const WORDS: Record<Sanction, { title: string; submit: string; note: string }> = {
  kick: {
    title: "Kick",
    submit: "Kick",
    note: "They are disconnected and told why; they may come back.",
  },
  mute: {
    title: "Mute",
    submit: "Mute",
    note: "They can still read, but not post, write privately or share files.",
  },
  ban: {
    title: "Ban",
    submit: "Ban",
    note: "They are disconnected and kept out, on every device, until the ban ends.",
  },
};

/** What {@linkcode openSanctionDialog} needs. */
export interface SanctionDialogOptions {
  /** Sends the request; resolves with the server's one sentence, or throws one. */
  send(request: HostRequest): Promise<string>;
  /** Where the focus goes back to. */
  returnFocus(): HTMLElement | undefined;
}

/**
 * Opens the dialog for `sanction` on `nick`; on success the server's sentence is resolved.
 *
 * @example
 * ```ts ignore
 * const said = await openSanctionDialog("kick", "ben", { send, returnFocus });
 * ```
 */
export async function openSanctionDialog(
  sanction: Sanction,
  nick: string,
  options: SanctionDialogOptions,
): Promise<string | undefined> {
  const words = WORDS[sanction];
  const reason = el("input", {
    attrs: { type: "text", maxlength: String(MAX_REASON_CHARS), autocomplete: "off" },
  });
  const duration = el(
    "select",
    {},
    ...DURATIONS.map(([label, seconds]) =>
      el("option", { attrs: { value: String(seconds) } }, label)
    ),
  );
  duration.value = String(sanction === "ban" ? 24 * 60 * 60 : 15 * 60);
  const address = checkbox("Their network address too (everyone connecting from it)", false);
  const fields: Node[] = [
    el("p", { className: "note" }, words.note),
    labelled("Reason (optional; the room is told)", reason),
  ];
  if (sanction !== "kick") fields.push(labelled("For how long", duration));
  if (sanction === "ban") fields.push(address.field);
  let said: string | undefined;
  await openDialogForm({
    title: `${words.title} ${nick}`,
    className: `sanction-dialog ${sanction}`,
    fields,
    submit: words.submit,
    returnFocus: options.returnFocus,
    onSubmit: async (status) => {
      status("Sending…");
      const why = reason.value.trim();
      const seconds = Number(duration.value);
      const request: HostRequest = sanction === "kick"
        ? { type: "kick", nick, ...(why === "" ? {} : { reason: why }) }
        : {
          type: sanction,
          nick,
          ...(why === "" ? {} : { reason: why }),
          ...(seconds > 0 ? { duration_s: seconds } : {}),
          ...(sanction === "ban" && address.input.checked ? { address: true } : {}),
        };
      said = await options.send(request);
      return true;
    },
  });
  return said;
}
