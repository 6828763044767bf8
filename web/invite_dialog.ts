/**
 * The Invite button: asks the server for an invite and shows its link and QR code, so someone
 * already in can bring in the person next to them; and a code to link another device of one's
 * own. The QR code is drawn from the encoder's matrix as SVG elements, never parsed markup.
 *
 * @module
 */
import { encode } from "uqr";
import { formatInviteLink } from "../src/protocol/invite_link.ts";
import type { ChatClient } from "../src/client/chat_client.ts";
import type { PageElements } from "./elements.ts";

const SVG = "http://www.w3.org/2000/svg";

/**
 * Wires the Invite button and its dialog.
 *
 * @example
 * ```ts ignore
 * setUpInviteDialog(page, () => session.live, (text) => list.complain(text));
 * ```
 */
export function setUpInviteDialog(
  page: PageElements,
  live: () => ChatClient | undefined,
  complain: (text: string) => void,
): void {
  page.inviteButton.addEventListener("click", async () => {
    const client = live();
    if (client === undefined) return complain("Not connected; try again in a moment.");
    try {
      const created = await client.call({ type: "invite", rid: client.rid() }, "invite_created");
      const link = formatInviteLink({
        hostname: location.hostname.replace(/^\[(.*)\]$/, "$1"),
        webPort: Number(location.port || (location.protocol === "https:" ? 443 : 80)),
        chatPort: created.chat_port,
        token: created.token,
        tls: created.tls,
        fingerprint: created.fingerprint,
      });
      page.inviteLink.href = link;
      page.inviteLink.textContent = link;
      page.inviteExpires.textContent = `Valid until ${new Date(created.expires).toLocaleString()}.`;
      page.inviteQr.replaceChildren(qrCode(link));
      page.linkCodeShown.value = "";
      page.inviteDialog.showModal();
    } catch (error) {
      complain(error instanceof Error ? error.message : String(error));
    }
  });
  page.linkButton.addEventListener("click", async () => {
    const client = live();
    if (client === undefined) return;
    try {
      const shown = await client.call(
        { type: "link_code", rid: client.rid() },
        "link_code_created",
      );
      page.linkCodeShown.value = `${shown.code} (valid 10 minutes, once)`;
    } catch (error) {
      page.linkCodeShown.value = error instanceof Error ? error.message : String(error);
    }
  });
}

/** `text` as a QR code: an SVG of the encoder's dark modules, with a quiet zone. */
function qrCode(text: string): SVGSVGElement {
  const { data, size } = encode(text, { border: 2 });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "QR code of the invite link");
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  let d = "";
  data.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)));
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}
