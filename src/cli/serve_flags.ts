/**
 * The flags of `chat serve`, declared apart from what it does with them: they are most of the
 * command's lines, and its help is laid out from them.
 *
 * @module
 */
import { defineFlags } from "./flags/mod.ts";

/** The largest value the limits on sizes, rates and connections accept. */
const MAX_LIMIT = 1_000_000;

/** The flags of `chat serve`, in the order its help lists them. */
export const SERVE_FLAGS = defineFlags({
  host: {
    kind: "string",
    value: "ADDRESS",
    default: "0.0.0.0",
    help: "interface to listen on (default 0.0.0.0: every interface)",
  },
  port: {
    kind: "integer",
    value: "PORT",
    min: 0,
    max: 65535,
    default: 7777,
    help: "TCP port (default 7777; 0 picks a free one)",
  },
  passkey: {
    kind: "string",
    value: "KEY",
    help: "passkey clients must give (default: $CHAT_PASSKEY, else one\n" +
      "generated at first start and kept in the data dir)",
  },
  "new-passkey": { kind: "boolean", help: "generate a new passkey, replacing the stored one" },
  "data-dir": {
    kind: "string",
    value: "DIR",
    default: "./chat-data",
    help: "where history and the passkey live (default ./chat-data)",
  },
  history: {
    kind: "integer",
    value: "N",
    min: 1,
    max: 500,
    default: 50,
    help: "events replayed on joining a room (default 50)",
  },
  "max-message-bytes": {
    kind: "integer",
    value: "N",
    min: 1,
    max: MAX_LIMIT,
    default: 4096,
    help: "largest message in UTF-8 bytes (default 4096)",
  },
  "max-file-size": {
    kind: "size",
    value: "SIZE",
    default: "4G",
    help: "largest shared file, such as 500M or 10G (default 4G)",
  },
  rate: {
    kind: "integer",
    value: "N",
    min: 1,
    max: MAX_LIMIT,
    default: 50,
    help: "requests per second each connection may make, and at once\n" +
      '(default 50 and 200); faster clients get "slow down" errors',
  },
  burst: {
    kind: "integer",
    value: "N",
    min: 1,
    max: MAX_LIMIT,
    default: 200,
    help: { with: "rate" },
  },
  "max-connections": {
    kind: "integer",
    value: "N",
    min: 0,
    max: MAX_LIMIT,
    default: 20000,
    help: "connections at once, 0 for no limit (default 20000)",
  },
  "max-connections-per-address": {
    kind: "integer",
    value: "N",
    min: 0,
    max: MAX_LIMIT,
    default: 100,
    help: "connections at once from one address (default 100)",
  },
  "handshake-timeout": {
    kind: "integer",
    value: "S",
    min: 1,
    max: 3600,
    default: 5,
    help: "seconds a new connection has to log in (default 5)",
  },
  tls: {
    kind: "boolean",
    help: "encrypt with TLS; without --tls-cert/--tls-key a self-signed\n" +
      "certificate is made once, kept in the data dir, and its\n" +
      "fingerprint printed for clients to check",
  },
  "web-port": {
    kind: "integer",
    value: "PORT",
    min: 0,
    max: 65535,
    help: "port of the web client (default: the chat port + 1, 7778)",
  },
  web: { kind: "boolean", default: true, negatable: true, help: "do not serve the web client" },
  "tls-cert": {
    kind: "string",
    value: "FILE",
    help: "your own PEM certificate and key (implies --tls)",
  },
  "tls-key": { kind: "string", value: "FILE", help: { with: "tls-cert" } },
  "invite-ttl": {
    kind: "duration",
    value: "TIME",
    default: "24h",
    help: "how long the invite link printed at start (and any other\n" +
      "made without a time) lets people in (default 24h)",
  },
  name: {
    kind: "string",
    value: "NAME",
    help: "the name it is announced under on the network, such as\n" +
      '"Room 214" (default: this machine\'s host name)',
  },
  announce: {
    kind: "boolean",
    default: true,
    negatable: true,
    help: "do not announce it on the network (DNS-SD over multicast DNS)",
  },
  qr: {
    kind: "boolean",
    default: true,
    negatable: true,
    help: "do not draw the invite link as a QR code",
  },
  "release-nick": {
    kind: "string",
    value: "NICK",
    help: "free a nick that belongs to someone, for anyone to take",
  },
  retain: {
    kind: "duration",
    value: "TIME",
    help: "keep messages and files this long, such as 12h or 30d: older\n" +
      "ones are deleted for good at start and every hour (default:\n" +
      "kept for ever)",
  },
  wipe: {
    kind: "boolean",
    help: "delete every message, file, read marker and resumable session\n" +
      "for good, then serve; keeps the passkey, certificate, devices\n" +
      "and owned nicks. Asks to type yes on a terminal",
  },
  yes: { kind: "boolean", help: "confirm --wipe without asking (for scripts)" },
  private: {
    kind: "boolean",
    default: true,
    negatable: true,
    help: "refuse private messages and files shared with one person",
  },
  files: {
    kind: "boolean",
    default: true,
    negatable: true,
    help: "refuse every file (rooms may also refuse them: /room set)",
  },
  nats: {
    kind: "string",
    value: "URL[,URL…]",
    help: "run as a node of a cluster: share rooms, history, nicks and files\n" +
      "through these NATS servers (JetStream), such as\n" +
      "nats://10.0.0.1:4222,nats://10.0.0.2:4222",
  },
  "node-name": {
    kind: "string",
    value: "NAME",
    help: "this node's name in the cluster, unique (default: the host name)",
  },
  quiet: { kind: "boolean", help: "no log lines on stderr" },
});
