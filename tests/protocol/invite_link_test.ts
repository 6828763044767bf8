import { assertEquals } from "@std/assert";
import { formatInviteLink, type InviteLink, parseInviteLink } from "../../src/protocol/mod.ts";

const FINGERPRINT = "SHA256:" + Array.from({ length: 32 }, () => "AB").join(":");

Deno.test("formatInviteLink() and parseInviteLink() carry every field through, with and without TLS", () => {
  const links: { link: InviteLink; text: string }[] = [
    {
      link: { hostname: "192.168.1.20", webPort: 7778, chatPort: 7777, token: "t0k3n", tls: false },
      text: "http://192.168.1.20:7778/#invite=t0k3n&chat=7777",
    },
    {
      link: {
        hostname: "fd00::2",
        webPort: 9001,
        chatPort: 9000,
        token: "abc",
        tls: true,
        fingerprint: FINGERPRINT,
      },
      text: `https://[fd00::2]:9001/#invite=abc&chat=9000&fp=${"ab".repeat(32)}`,
    },
  ];
  for (const { link, text } of links) {
    assertEquals(formatInviteLink(link), text);
    assertEquals(parseInviteLink(text), link);
  }
});

Deno.test("parseInviteLink() returns undefined for what is not an invite link", () => {
  const cases = [
    "192.168.1.20:7777",
    "http://192.168.1.20:7778/",
    "http://192.168.1.20:7778/#invite=",
    "ftp://192.168.1.20/#invite=abc",
    "http://192.168.1.20:7778/#invite=abc&chat=99999",
    "http://192.168.1.20:7778/#invite=abc&fp=nothex",
    "not a link at all",
  ];
  for (const text of cases) assertEquals(parseInviteLink(text), undefined, text);
});

Deno.test("parseInviteLink() takes the chat port as one below the web port when the link leaves it out", () => {
  assertEquals(parseInviteLink("http://host:7778/#invite=abc")?.chatPort, 7777);
  assertEquals(parseInviteLink(" http://host:7778/#invite=abc&chat=7000 ")?.chatPort, 7000);
});
