/**
 * How the connection benchmark starts each server and logs its N clients in: chat clients say
 * `hello` with the run's passkey and join one room; IRC clients register and join one channel,
 * retrying a connection an ircd's full backlog reset.
 *
 * @module
 */
import { join } from "@std/path";
import { type Daemon, log } from "../shared/mod.ts";
import { ChatSwarmClient } from "./chat_client.ts";
import { IrcSwarmClient } from "./irc_client.ts";
import { type BeforeLogin, type Leg, measureBeforeLogin, type MeasureOptions } from "./measure.ts";
import { startChat, startInspircd, startNgircd } from "./servers.ts";

/** The room every chat client joins: target 3 wants one message to reach all N. */
const ROOM = "lobby";

/** The passkey of this run's chat servers; reports show it as `KEY`. */
export const PASSKEY = `bench-${crypto.randomUUID().slice(0, 8)}`;

/** How one server is started, and how its clients log in. */
export interface Starter {
  /** Starts the server with its files in `tmp`. */
  start(tmp: string): Promise<Daemon>;
  /** How clients of the running `daemon` log in. */
  leg(daemon: Daemon): Leg;
}

/** The starter of each server the benchmark knows, by its `--servers` name. */
export const STARTERS: Record<string, Starter> = {
  chat: {
    start: (tmp) =>
      startChat({
        dataDir: join(tmp, "chat-data"),
        passkey: PASSKEY,
        handshakeTimeoutS: 3600,
      }),
    leg: (daemon) => ({
      daemon,
      login: async (index, counter) => {
        const client = await ChatSwarmClient.open(daemon.port, counter);
        await client.login({ nick: `u${index}`, passkey: PASSKEY, room: ROOM });
        return client;
      },
    }),
  },
  ngircd: { start: startNgircd, leg: ircLeg },
  inspircd: { start: startInspircd, leg: ircLeg },
};

/** The chat server's memory with N connections that have not said `hello`, on a fresh server. */
export async function chatBeforeLogin(tmp: string, options: MeasureOptions): Promise<BeforeLogin> {
  await using daemon = await startChat({
    dataDir: join(tmp, "chat-data-before-login"),
    passkey: PASSKEY,
    handshakeTimeoutS: 3600,
  });
  return await measureBeforeLogin(
    daemon,
    (counter) => ChatSwarmClient.open(daemon.port, counter),
    options,
  );
}

function ircLeg(daemon: Daemon): Leg {
  return {
    daemon,
    login: async (index, counter) => {
      // An ircd that is slow to accept may reset a connection its backlog had no room for.
      for (let attempt = 1;; attempt++) {
        try {
          return await IrcSwarmClient.open(daemon.port, `u${index}`, counter);
        } catch (error) {
          if (!/reset by peer/.test(String(error)) || attempt === 3) throw error;
          log(`${daemon.name}: u${index} was reset while connecting; trying again`);
        }
      }
    },
  };
}
