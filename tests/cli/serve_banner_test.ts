import { assertEquals } from "@std/assert";
import { chatCommand } from "../../src/cli/serve_banner.ts";

Deno.test("chatCommand() names what the person who started the server can type", () => {
  const cases: [string, string][] = [
    ["/usr/local/bin/chat", "chat"],
    ["/home/ana/chat-linux-x86_64", "chat"],
    ["/usr/bin/deno", "deno task chat"],
    ["/usr/lib/node_modules/deno/deno", "deno task chat"],
    ["/root/.npm/_npx/6a1f9c/node_modules/deno/deno", `npx deno@${Deno.version.deno} task chat`],
    [
      "C:\\Users\\ana\\AppData\\Local\\npm-cache\\_npx\\1\\node_modules\\deno\\deno.exe",
      `npx deno@${Deno.version.deno} task chat`,
    ],
  ];
  for (const [path, command] of cases) assertEquals(chatCommand(path), command, path);
});
