// The browser client of `chat`: the same protocol as `chat join` (docs/PROTOCOL.md) over a
// WebSocket at /ws. Text messages are JSON control messages; binary messages are frames without
// their length prefix (type byte, then payload). Text from other people is only ever inserted
// with textContent, never as HTML.
import { Sha256 } from "./sha256.js";
// The terminal client's own parser (src/client/commands.js), served by the same program.
import { parseInput } from "./commands.js";

const CHUNK_BYTES = 256 * 1024;
const HIGH_WATER = 1024 * 1024;
const IMAGE_MAX = 8 * 1024 * 1024;
const IMAGE_TYPES = { png: "png", jpg: "jpeg", jpeg: "jpeg", gif: "gif", webp: "webp" };
const PING_AFTER_MS = 3000;
const DEAD_AFTER_MS = 10000;
const HELP = [
  "/help — this list",
  "/who — who is in this room",
  "/info — room, users online, server uptime, stored messages",
  "/nick NEW — change your nick",
  "/msg NICK TEXT — a private message only NICK sees",
  "/me TEXT — an action: * you TEXT",
  "/join ROOM — move to another room (created on first use)",
  "/rooms — rooms with their member counts",
  "/history [N] — N more earlier messages of this room",
  "/files — files shared in this room",
  "/quit — leave",
  "//text — send a line that starts with /",
  "Share files with the File button or by dropping them on the page.",
];

const $ = (id) => document.getElementById(id);
const ui = Object.fromEntries(
  [
    "login-page",
    "login",
    "nick",
    "passkey",
    "login-button",
    "login-error",
    "chat-page",
    "room-name",
    "status",
    "theme-toggle",
    "sidebar-toggle",
    "rooms",
    "users",
    "messages",
    "outbox",
    "transfers",
    "composer",
    "input",
    "file-input",
    "upload-button",
    "drop-hint",
  ].map((id) => [id.replace(/-(\w)/g, (_, c) => c.toUpperCase()), $(id)]),
);

/** Creates an element; string children become text nodes (never parsed as HTML). */
function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "data") Object.assign(element.dataset, value);
    else if (key in element) element[key] = value;
    else element.setAttribute(key, value);
  }
  element.append(...children);
  return element;
}

const storage = {
  get: (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key, value) => {
    try {
      localStorage.setItem(key, value);
    } catch { /* storage may be disabled */ }
  },
};

// ---- State -------------------------------------------------------------------------------

const ridPrefix = crypto.getRandomValues(new Uint32Array(2)).join("").slice(0, 10);
let ridCounter = 0;
const newRid = () => `w${ridPrefix}-${++ridCounter}`;

const state = {
  nick: "",
  passkey: "", // kept only in memory, for reconnecting
  room: "lobby",
  resume: undefined,
  lastId: 0,
  conn: undefined, // { ws, welcomed, fatal, bye, lastHeard, lastPing }
  everWelcomed: false,
  stopped: true,
  attempt: 0,
  retryTimer: undefined,
  rate: { tokens: 1, perSecond: 5, cap: 5, at: 0 },
  queue: [], // JSON messages waiting for a rate token
  pumpTimer: undefined,
  unacked: new Map(), // rid -> { message, line } for send and private
  waiters: new Map(), // rid -> { type, resolve, reject }
  downloads: new Map(), // transfer -> handler
  uploads: new Map(), // transfer -> handler (for transfer errors)
  shown: new Set(), // event ids currently in the message list
  oldest: undefined, // smallest room event id shown, for /history
  historyTarget: undefined, // { mode: "join" | "prepend", rid?, fragment?, separator? }
  users: [],
};

// ---- Theme -------------------------------------------------------------------------------

const darkQuery = matchMedia("(prefers-color-scheme: dark)");
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const other = theme === "dark" ? "light" : "dark";
  ui.themeToggle.textContent = theme === "dark" ? "☀" : "☾";
  ui.themeToggle.setAttribute("aria-label", `Switch to ${other} theme`);
  ui.themeToggle.title = `Switch to ${other} theme`;
}
applyTheme(storage.get("chat-theme") ?? (darkQuery.matches ? "dark" : "light"));
darkQuery.addEventListener("change", (event) => {
  if (storage.get("chat-theme") === null) applyTheme(event.matches ? "dark" : "light");
});
ui.themeToggle.addEventListener("click", () => {
  const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  storage.set("chat-theme", next);
  applyTheme(next);
});

// ---- Connection --------------------------------------------------------------------------

function connect() {
  clearTimeout(state.retryTimer);
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let ws;
  try {
    ws = new WebSocket(scheme + location.host + "/ws");
  } catch {
    return lost(undefined);
  }
  ws.binaryType = "arraybuffer";
  const conn = {
    ws,
    welcomed: false,
    fatal: undefined,
    bye: undefined,
    lastHeard: Date.now(),
    lastPing: 0,
  };
  state.conn = conn;
  ws.addEventListener("open", () => {
    const hello = {
      type: "hello",
      v: 1,
      nick: state.nick,
      passkey: state.passkey,
      room: state.room,
      client: "chat-web/0.1.0",
    };
    if (state.resume !== undefined) hello.resume = state.resume;
    if (state.lastId > 0) hello.since = state.lastId;
    ws.send(JSON.stringify(hello));
  });
  ws.addEventListener("message", (event) => {
    if (state.conn !== conn) return;
    conn.lastHeard = Date.now();
    if (typeof event.data === "string") {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      receive(conn, message);
    } else {
      receiveChunk(new Uint8Array(event.data));
    }
  });
  ws.addEventListener("close", () => {
    if (state.conn === conn) lost(conn);
  });
}

/** Sends a control message now (bypassing the pacing queue: only for hello-time needs). */
function sendNow(message) {
  const ws = state.conn?.ws;
  if (ws?.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(message));
  return true;
}

/** Queues a request, paced to the rate the server announced in `welcome`. */
function request(message) {
  if (!state.conn?.welcomed) return false;
  state.queue.push(message);
  pump();
  return true;
}

function pump() {
  clearTimeout(state.pumpTimer);
  const rate = state.rate;
  const now = performance.now();
  rate.tokens = Math.min(rate.cap, rate.tokens + (now - rate.at) / 1000 * rate.perSecond);
  rate.at = now;
  while (state.queue.length > 0 && rate.tokens >= 1) {
    if (!sendNow(state.queue[0])) return;
    state.queue.shift();
    rate.tokens -= 1;
  }
  if (state.queue.length > 0) {
    state.pumpTimer = setTimeout(pump, Math.ceil((1 - rate.tokens) / rate.perSecond * 1000) + 5);
  }
}

/** Sends a request and resolves with the reply of `type` carrying its rid (or rejects). */
function ask(message, type) {
  return new Promise((resolve, reject) => {
    if (!request(message)) return reject(new Error("Not connected."));
    state.waiters.set(message.rid, { type, resolve, reject });
  });
}

function lost(conn) {
  const failAll = (why) => {
    for (const waiter of state.waiters.values()) waiter.reject(new Error(why));
    for (const handler of [...state.downloads.values(), ...state.uploads.values()]) {
      handler.fail(why);
    }
    state.waiters.clear();
    state.downloads.clear();
    state.uploads.clear();
  };
  state.queue = [];
  state.conn = undefined;
  failAll("The connection was lost.");
  if (state.quitting) return stop("You left the chat.");
  if (state.stopped) return;
  if (conn?.fatal !== undefined) {
    const { code, message } = conn.fatal;
    // A refusal that will not change by retrying: back to the login page with the reason.
    if (!state.everWelcomed || !["locked_out", "too_many_connections", "internal"].includes(code)) {
      const text = code === "bad_passkey" && state.everWelcomed
        ? "The server no longer accepts this passkey; ask for the new one and join again."
        : message;
      return stop(text);
    }
  }
  if (conn?.bye?.reason === "replaced") {
    return stop(conn.bye.message || "You joined from somewhere else.");
  }
  if (conn?.bye?.reason === "quit") return stop("You left the chat.");
  if (!state.everWelcomed) return stop("Cannot reach the server. Check the address and try again.");
  scheduleReconnect(conn?.bye?.message);
}

function scheduleReconnect(why) {
  const base = Math.min(30000, 500 * 2 ** state.attempt++);
  const delay = Math.round(base / 2 + Math.random() * base / 2);
  const until = Date.now() + delay;
  if (why) note(why);
  const tick = () => {
    const left = until - Date.now();
    if (left <= 0) {
      setStatus("reconnecting", "Reconnecting…");
      return connect();
    }
    setStatus("reconnecting", `Reconnecting in ${Math.ceil(left / 1000)} s…`);
    // Wake when the whole number of seconds shown changes.
    state.retryTimer = setTimeout(tick, ((left - 1) % 1000) + 1);
  };
  tick();
}

function stop(reason) {
  state.stopped = true;
  clearTimeout(state.retryTimer);
  const ws = state.conn?.ws;
  state.conn = undefined;
  ws?.close();
  setStatus("disconnected", "Disconnected");
  showLogin(reason);
}

// Keep-alive: ping after 3 s of silence, give up on the connection after 10 s.
setInterval(() => {
  const conn = state.conn;
  if (conn === undefined || !conn.welcomed) return;
  const now = Date.now();
  if (now - conn.lastHeard > DEAD_AFTER_MS) {
    state.conn = undefined;
    conn.ws.close();
    lost(undefined);
  } else if (now - conn.lastHeard >= PING_AFTER_MS && now - conn.lastPing >= PING_AFTER_MS) {
    conn.lastPing = now;
    request({ type: "ping", rid: newRid() });
  }
}, 1000);

// ---- Receiving ---------------------------------------------------------------------------

const EVENT_TYPES = new Set(["message", "action", "private", "notice", "file"]);

function receive(conn, message) {
  const waiter = message.rid === undefined ? undefined : state.waiters.get(message.rid);
  if (waiter !== undefined && (message.type === waiter.type || message.type === "error")) {
    state.waiters.delete(message.rid);
    if (message.type === "error") waiter.reject(new Error(message.message));
    else waiter.resolve(message);
    return;
  }
  if (EVENT_TYPES.has(message.type)) return showEvent(message);
  switch (message.type) {
    case "welcome":
      return welcomed(conn, message);
    case "joined":
      return joined(message);
    case "history_end":
      return historyEnd(message);
    case "ack": {
      const pending = state.unacked.get(message.rid);
      if (pending === undefined) return;
      state.unacked.delete(message.rid);
      pending.line.remove();
      showEvent(message.event); // the server's copy of the stored message
      return;
    }
    case "ping":
      request({ type: "pong", rid: message.rid });
      return;
    case "error":
      return receiveError(conn, message);
    case "bye":
      conn.bye = message; // acted on when the socket closes
      return;
    case "users":
      if (message.room === state.room) setUsers(message.users);
      if (!String(message.rid).startsWith("auto")) {
        note(`In ${message.room}: ${listUsers(message.users)}.`);
      }
      return;
    case "room_list":
      setRooms(message.rooms);
      if (!String(message.rid).startsWith("auto")) {
        note(
          "Rooms: " + message.rooms.map((room) => `${room.name} (${room.users})`).join(", ") +
            ".",
        );
      }
      return;
    case "server_info":
      note(
        `Room ${message.room}: ${listUsers(message.users)}. ${message.online} online, up ${
          formatUptime(message.uptime_s)
        }, ` +
          `${message.messages} messages stored (${message.server}).`,
      );
      return;
    case "nick_ok":
      {
        const old = state.nick;
        state.nick = message.nick;
        setUsers(state.users.map((nick) => nick === old ? message.nick : nick));
      }
      storage.set("chat-nick", message.nick);
      note(`You are now known as ${message.nick}.`);
      return;
    case "file_list":
      note(
        message.files.length === 0 ? "No files have been shared here yet." : "Files: " +
          message.files.map((file) => `${file.name} (${formatBytes(file.size)}, ${file.from})`)
            .join("; ") +
          ".",
      );
      return;
    case "download_end":
      state.downloads.get(message.transfer)?.end(message.error);
      return;
  }
}

function receiveError(conn, message) {
  if (message.fatal) conn.fatal = message;
  if (!conn.welcomed) return; // shown on the login page once the socket closes
  const pending = state.unacked.get(message.rid);
  if (pending !== undefined) {
    if (message.code === "rate_limited") {
      return void setTimeout(
        () => state.unacked.has(message.rid) && request(pending.message),
        1000,
      );
    }
    state.unacked.delete(message.rid);
    pending.line.remove();
  }
  if (message.transfer !== undefined) {
    const handler = state.uploads.get(message.transfer) ?? state.downloads.get(message.transfer);
    if (handler !== undefined) return handler.fail(message.message);
  }
  complain(message.message);
}

function welcomed(conn, message) {
  conn.welcomed = true;
  const reconnected = state.everWelcomed;
  state.everWelcomed = true;
  state.attempt = 0;
  state.nick = message.nick;
  state.resume = message.resume ?? state.resume;
  const perSecond = message.rate?.per_second ?? 10;
  const burst = message.rate?.burst ?? 20;
  state.rate = {
    perSecond: Math.max(0.5, perSecond * 0.9),
    cap: Math.max(1, Math.floor(burst / 2)),
    tokens: Math.max(1, Math.floor(burst / 2)),
    at: performance.now(),
  };
  state.maxMessageBytes = message.max_message_bytes;
  storage.set("chat-nick", message.nick);
  showChat();
  setStatus("connected", "Connected");
  if (reconnected) note("Reconnected.");
  else note(`Connected as ${message.nick} to ${message.server}. Type /help for commands.`);
  // Everything typed but not acknowledged goes again, same rid: the server stores it once.
  for (const pending of state.unacked.values()) request(pending.message);
  runPreviews();
}

function joined(message) {
  const changed = message.room !== state.room || state.firstJoin;
  state.firstJoin = false;
  if (message.room !== state.room) {
    ui.messages.replaceChildren();
    state.shown.clear();
    state.oldest = undefined;
  }
  state.room = message.room;
  ui.roomName.textContent = message.room;
  ui.roomName.title = message.room;
  document.title = `${message.room} — chat`;
  ui.input.placeholder = `Message ${message.room}`;
  setUsers(message.users);
  if (changed) {
    note(`You are in ${message.room} with ${listUsers(message.users, message.count)}.`);
  }
  state.historyTarget = { mode: "join", separator: undefined };
  request({ type: "rooms", rid: "auto-rooms" });
}

function historyEnd(message) {
  const target = state.historyTarget;
  state.historyTarget = undefined;
  if (message.gap) note(GAP_NOTE);
  if (target?.mode === "prepend") {
    if (message.count === 0) return note("No earlier messages.");
    // Older events go above the ones already shown, under one "Earlier messages" line.
    const top = ui.messages.querySelector(".separator.start");
    const anchor = top ?? ui.messages.querySelector(".event[data-id]:not([data-type=private])");
    if (top === null) target.fragment.append(separator("— end of history —", "end"));
    const items = [separator("Earlier messages", "start"), target.fragment];
    if (anchor === null) ui.messages.append(...items);
    else anchor.before(...items);
    top?.remove();
    return;
  }
  if (target?.separator !== undefined) {
    ui.messages.append(
      separator(
        message.more ? "— end of history (/history for more) —" : "— end of history —",
        "end",
      ),
    );
    scrollDown(true);
  }
}

function separator(text, kind) {
  return el("div", { className: `separator ${kind}`, role: "separator" }, text);
}

function showEvent(event) {
  if (typeof event.id === "number") {
    if (state.shown.has(event.id)) return;
    state.lastId = Math.max(state.lastId, event.id);
  }
  const target = state.historyTarget;
  if (
    event.type === "notice" && !event.history && event.from === state.nick && event.event !== "nick"
  ) {
    return; // our own coming and going, caught up after a reconnect
  }
  if (event.type === "notice" && !event.history && event.room === state.room) {
    if (event.event === "join") {
      setUsers([...state.users.filter((nick) => nick !== event.from), event.from]);
    }
    if (event.event === "leave") setUsers(state.users.filter((nick) => nick !== event.from));
    if (event.event === "nick") {
      setUsers(state.users.map((nick) => nick === event.from ? event.nick : nick));
    }
  }
  if (event.history && target?.mode === "prepend") {
    target.fragment.append(renderEvent(event));
  } else {
    if (event.history && target?.mode === "join" && target.separator === undefined) {
      target.separator = separator("Earlier messages", "start");
      ui.messages.append(target.separator);
    }
    addEvent(event);
  }
}

const note = (text) => addEvent({ type: "system", text });
const GAP_NOTE = "More than 5,000 events happened while you were away; " +
  "the newest are shown (/history for earlier ones).";
const complain = (text) => addEvent({ type: "error", text });

function addEvent(event) {
  const stick = isNearBottom();
  const div = renderEvent(event);
  ui.messages.append(div);
  while (ui.messages.childElementCount > 3000) ui.messages.firstElementChild.remove();
  scrollDown(stick);
  return div;
}

function renderEvent(event) {
  const div = el("div", { className: "event", data: { type: event.type } });
  if (typeof event.id === "number") {
    div.dataset.id = String(event.id);
    state.shown.add(event.id);
    if (event.type !== "private" && !(event.id >= state.oldest)) state.oldest = event.id;
  }
  if (event.history) div.dataset.history = "true";
  if (event.from === state.nick && event.type !== "notice") div.classList.add("mine");
  const time = el("span", { className: "time" }, event.ts ? clock(event.ts) : "");
  if (event.ts) time.title = new Date(event.ts).toLocaleString();
  const showsFrom = ["message", "action", "private", "file"].includes(event.type);
  let from = showsFrom ? event.from ?? "" : "";
  let text = event.text ?? "";
  if (event.type === "file") text = `shared ${event.file.name} (${formatBytes(event.file.size)})`;
  div.append(time, " ");
  if (event.type === "private") {
    const mine = event.from === state.nick;
    div.append(el("span", { className: "label" }, mine ? "private to" : "private from"), " ");
    from = mine ? event.to : event.from;
  }
  div.append(el("span", { className: "from" }, from), " ", el("span", { className: "text" }, text));
  if (event.type === "file") fileControls(div, event);
  return div;
}

function isNearBottom() {
  const list = ui.messages;
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function scrollDown(stick) {
  if (stick) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function setUsers(users) {
  state.users = [...new Set(users)].sort((a, b) =>
    a.localeCompare(b, undefined, { sensitivity: "base" })
  );
  ui.users.replaceChildren(...state.users.map((nick) =>
    el(
      "li",
      { data: { nick } },
      el(
        "button",
        { type: "button", title: nick === state.nick ? "You" : `Send ${nick} a private message` },
        nick,
        ...(nick === state.nick ? [el("span", { className: "you" }, " (you)")] : []),
      ),
    )
  ));
}

function setRooms(rooms) {
  ui.rooms.replaceChildren(...rooms.map(({ name, users }) =>
    el(
      "li",
      name === state.room
        ? { data: { room: name }, "aria-current": "true" }
        : { data: { room: name } },
      el(
        "button",
        { type: "button" },
        el("span", {}, name),
        el("span", { className: "count", title: `${users} here` }, String(users)),
      ),
    )
  ));
}

// ---- Files -------------------------------------------------------------------------------

function receiveChunk(bytes) {
  if (bytes[0] !== 0x02 || bytes.length < 5) return;
  const transfer = new DataView(bytes.buffer, bytes.byteOffset).getUint32(1);
  state.downloads.get(transfer)?.chunk(bytes.subarray(5));
}

function transferView(label, name, size) {
  const progress = el("progress", {
    max: Math.max(1, size),
    value: 0,
    "aria-label": `${label} ${name}`,
  });
  const div = el(
    "div",
    { className: "transfer" },
    el("span", { className: "name" }, `${label} ${name}`),
    progress,
  );
  ui.transfers.append(div);
  return { update: (value) => progress.value = value, remove: () => div.remove() };
}

async function uploadFile(file) {
  const view = transferView("Sharing", file.name, file.size);
  try {
    const conn = state.conn;
    if (!conn?.welcomed) throw new Error("Not connected right now.");
    const rid = newRid();
    const ready = await ask(
      { type: "upload", rid, name: file.name, size: file.size },
      "upload_ready",
    );
    let failure;
    state.uploads.set(ready.transfer, {
      fail: (why) => {
        failure = why;
        const waiter = state.waiters.get(rid); // upload_end may be waiting for its answer
        state.waiters.delete(rid);
        waiter?.reject(new Error(why));
      },
    });
    const hash = new Sha256();
    for (let at = 0; at < file.size; at += CHUNK_BYTES) {
      const bytes = new Uint8Array(await file.slice(at, at + CHUNK_BYTES).arrayBuffer());
      hash.update(bytes);
      while (conn.ws.bufferedAmount > HIGH_WATER && failure === undefined && state.conn === conn) {
        await sleep(20);
      }
      if (failure !== undefined) throw new Error(failure);
      if (state.conn !== conn) throw new Error("The connection was lost.");
      const frame = new Uint8Array(5 + bytes.length);
      frame[0] = 0x02;
      new DataView(frame.buffer).setUint32(1, ready.transfer);
      frame.set(bytes, 5);
      conn.ws.send(frame);
      view.update(at + bytes.length);
    }
    const done = await ask({
      type: "upload_end",
      rid,
      transfer: ready.transfer,
      sha256: hash.hex(),
    }, "upload_done");
    state.uploads.delete(ready.transfer);
    showEvent({
      type: "file",
      id: done.id,
      ts: new Date().toISOString(),
      room: state.room,
      from: state.nick,
      file: done.file,
    });
  } catch (error) {
    complain(`Could not share ${file.name}: ${error.message}`);
  } finally {
    view.remove();
  }
}

/** Downloads file `id` over the WebSocket; resolves with a Blob whose SHA-256 was checked. */
async function downloadFile(id, file, type) {
  const view = transferView("Fetching", file.name, file.size);
  try {
    const rid = newRid();
    const parts = [];
    const hash = new Sha256();
    let received = 0;
    const finished = Promise.withResolvers();
    // Register before asking: chunks may follow download_ready immediately.
    const handler = {
      chunk: (bytes) => {
        parts.push(bytes.slice());
        hash.update(bytes);
        received += bytes.length;
        view.update(received);
      },
      end: (error) => error ? finished.reject(new Error(error)) : finished.resolve(),
      fail: (why) => finished.reject(new Error(why)),
    };
    const ready = await new Promise((resolve, reject) => {
      if (!request({ type: "download", rid, id })) {
        return reject(new Error("Not connected right now."));
      }
      state.waiters.set(rid, {
        type: "download_ready",
        resolve: (message) => {
          state.downloads.set(message.transfer, handler);
          resolve(message);
        },
        reject,
      });
    });
    try {
      await finished.promise;
    } finally {
      state.downloads.delete(ready.transfer);
    }
    if (received !== ready.file.size || hash.hex() !== ready.file.sha256) {
      throw new Error("the file arrived damaged (SHA-256 mismatch)");
    }
    return new Blob(parts, { type: type ?? "application/octet-stream" });
  } finally {
    view.remove();
  }
}

function imageType(name, size) {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return size <= IMAGE_MAX && IMAGE_TYPES[extension]
    ? `image/${IMAGE_TYPES[extension]}`
    : undefined;
}

function safeName(name) {
  // deno-lint-ignore no-control-regex -- control characters are exactly what is removed
  const cleaned = name.replace(/[\x00-\x1f\x7f/\\:*?"<>|]/g, "_").replace(/^[.\s]+/, "");
  return cleaned === "" ? "file" : cleaned.slice(0, 200);
}

const blobs = new Map(); // file id -> Promise<string> (object URL)
function fileUrl(id, file) {
  if (!blobs.has(id)) {
    const promise = downloadFile(id, file, imageType(file.name, file.size)).then((blob) =>
      URL.createObjectURL(blob)
    );
    promise.catch(() => blobs.delete(id));
    blobs.set(id, promise);
  }
  return blobs.get(id);
}

let previewsRunning = 0;
const previewQueue = [];
function runPreviews() {
  while (previewsRunning < 2 && previewQueue.length > 0 && state.conn?.welcomed) {
    const job = previewQueue.shift();
    previewsRunning++;
    fileUrl(job.id, job.file)
      .then((url) => job.img.src = url, () => job.img.remove())
      .finally(() => {
        previewsRunning--;
        runPreviews();
      });
  }
}

function fileControls(div, event) {
  const { id, file } = event;
  const link = el("a", {
    className: "download",
    href: `#file-${id}`,
    "aria-label": `Download ${file.name}`,
  }, "Download");
  link.addEventListener("click", (click) => {
    if (link.href.startsWith("blob:")) return; // fetched already: the browser saves it
    click.preventDefault();
    if (link.dataset.busy) return;
    link.dataset.busy = "true";
    fileUrl(id, file).then(
      (url) => {
        link.href = url;
        link.download = safeName(file.name);
        link.click();
      },
      (error) => complain(`Could not download ${file.name}: ${error.message}`),
    ).finally(() => delete link.dataset.busy);
  });
  div.append(" ", link);
  if (imageType(file.name, file.size) !== undefined) {
    const img = el("img", { className: "preview", alt: file.name });
    // A picture that loads grows the list: keep following the newest line if we were.
    img.addEventListener("load", () => {
      const list = ui.messages;
      const gap = list.scrollHeight - list.scrollTop - list.clientHeight - img.offsetHeight;
      scrollDown(gap < 80);
    });
    div.append(img);
    previewQueue.push({ id, file, img });
    queueMicrotask(runPreviews);
  }
}

// ---- Input -------------------------------------------------------------------------------

/** The terminal's file commands take paths; in the browser, files come from buttons. */
function browserInput(input) {
  if (input.kind !== "upload" && input.kind !== "get") return input;
  return {
    kind: "invalid",
    message:
      "In the browser, share files with the File button or by dropping them here, and use the Download links.",
  };
}

function submitMessage(message) {
  const bytes = new TextEncoder().encode(message.text).length;
  if (state.maxMessageBytes && bytes > state.maxMessageBytes) {
    complain(
      `That message is ${bytes} bytes; the server accepts at most ${state.maxMessageBytes}.`,
    );
    return false;
  }
  const line = document.createElement("li");
  line.textContent = message.type === "private" ? `→ ${message.to}: ${message.text}` : message.text;
  ui.outbox.append(line);
  state.unacked.set(message.rid, { message, line });
  request(message); // while disconnected it waits in state.unacked until welcome
  return true;
}

function execute(line) {
  const input = browserInput(parseInput(line));
  const needConnection = (message) => {
    if (request(message)) return true;
    complain("Not connected right now; try again once reconnected (messages are queued).");
    return false;
  };
  switch (input.kind) {
    case "empty":
      return false;
    case "say":
      return submitMessage({ type: "send", rid: newRid(), text: input.text });
    case "me":
      return submitMessage({ type: "send", rid: newRid(), text: input.text, action: true });
    case "msg":
      return submitMessage({ type: "private", rid: newRid(), to: input.to, text: input.text });
    case "join":
      return needConnection({ type: "join", room: input.room, rid: newRid() });
    case "nick":
      return needConnection({ type: "nick", nick: input.nick, rid: newRid() });
    case "who":
    case "rooms":
    case "info":
      return needConnection({ type: input.kind, rid: newRid() });
    case "files":
      return needConnection({ type: "files", room: state.room, rid: newRid() });
    case "history": {
      if (state.historyTarget !== undefined) {
        complain("Earlier messages are on their way.");
        return true;
      }
      const message = { type: "history", rid: newRid() };
      if (input.limit !== undefined) message.limit = input.limit;
      if (state.oldest !== undefined) message.before = state.oldest;
      if (!needConnection(message)) return true;
      state.historyTarget = {
        mode: "prepend",
        rid: message.rid,
        fragment: document.createDocumentFragment(),
      };
      return true;
    }
    case "help":
      for (const text of HELP) addEvent({ type: "system", text });
      return true;
    case "quit":
      state.quitting = true;
      if (!sendNow({ type: "quit" })) stop("You left the chat.");
      return true;
    case "invalid":
      complain(input.message);
      return true;
  }
}

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.input.value;
  if (text.trim() === "") {
    ui.input.focus();
    return;
  }
  if (execute(text)) ui.input.value = "";
  ui.input.focus();
});
ui.input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});

ui.uploadButton.addEventListener("click", () => ui.fileInput.click());
ui.fileInput.addEventListener("change", () => {
  for (const file of ui.fileInput.files) uploadFile(file);
  ui.fileInput.value = "";
});

let dragDepth = 0;
const hasFiles = (event) => event.dataTransfer?.types.includes("Files") && !ui.chatPage.hidden;
document.body.addEventListener("dragenter", (event) => {
  if (!hasFiles(event)) return;
  dragDepth++;
  ui.dropHint.hidden = false;
});
document.body.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) ui.dropHint.hidden = true;
});
document.body.addEventListener("dragover", (event) => {
  if (hasFiles(event)) event.preventDefault();
});
document.body.addEventListener("drop", (event) => {
  dragDepth = 0;
  ui.dropHint.hidden = true;
  if (!hasFiles(event)) return;
  event.preventDefault();
  for (const file of event.dataTransfer.files) uploadFile(file);
});

ui.rooms.addEventListener("click", (event) => {
  const room = event.target.closest("li[data-room]")?.dataset.room;
  if (room !== undefined && room !== state.room) request({ type: "join", room, rid: newRid() });
  setSidebar(false);
});
ui.users.addEventListener("click", (event) => {
  const nick = event.target.closest("li[data-nick]")?.dataset.nick;
  if (nick === undefined || nick === state.nick) return;
  ui.input.value = `/msg ${nick} `;
  ui.input.focus();
  setSidebar(false);
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && ui.chatPage.classList.contains("sidebar-open")) {
    setSidebar(false);
    ui.sidebarToggle.focus();
  }
});

function setSidebar(open) {
  ui.chatPage.classList.toggle("sidebar-open", open);
  ui.sidebarToggle.setAttribute("aria-expanded", String(open));
}
ui.sidebarToggle.addEventListener(
  "click",
  () => setSidebar(ui.sidebarToggle.getAttribute("aria-expanded") !== "true"),
);

setInterval(
  () =>
    state.conn?.welcomed && state.queue.length === 0 &&
    request({ type: "rooms", rid: "auto-rooms" }),
  10000,
);

// ---- Pages -------------------------------------------------------------------------------

function setStatus(kind, text) {
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
}

function showChat() {
  ui.loginPage.hidden = true;
  ui.chatPage.hidden = false;
  ui.loginButton.disabled = false;
  if (document.activeElement === document.body || ui.loginPage.contains(document.activeElement)) {
    ui.input.focus();
  }
}

function showLogin(reason) {
  ui.chatPage.hidden = true;
  ui.loginPage.hidden = false;
  ui.loginButton.disabled = false;
  ui.loginError.textContent = reason ?? "";
  ui.passkey.value = "";
  state.passkey = "";
  ui.nick.value = state.nick || ui.nick.value;
  (ui.nick.value ? ui.passkey : ui.nick).focus();
}

ui.login.addEventListener("submit", (event) => {
  event.preventDefault();
  const nick = ui.nick.value.trim();
  const passkey = ui.passkey.value.trim();
  if (nick === "" || passkey === "") {
    ui.loginError.textContent = nick === ""
      ? "Choose a nick."
      : "Enter the passkey the server printed.";
    return;
  }
  if (state.nick !== nick) {
    // A different person: what the last one typed is not theirs to send.
    state.unacked.clear();
    ui.outbox.replaceChildren();
  }
  // A new session: the room's history comes again, shown afresh.
  state.resume = undefined;
  state.lastId = 0;
  state.shown.clear();
  state.oldest = undefined;
  state.firstJoin = true;
  state.quitting = false;
  ui.messages.replaceChildren();
  state.nick = nick;
  state.passkey = passkey;
  state.stopped = false;
  state.everWelcomed = false;
  state.attempt = 0;
  ui.loginError.textContent = "";
  ui.loginButton.disabled = true;
  storage.set("chat-nick", nick);
  connect();
});

ui.nick.value = storage.get("chat-nick") ?? "";
(ui.nick.value ? ui.passkey : ui.nick).focus();

// ---- Formatting --------------------------------------------------------------------------

function formatBytes(bytes) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  if (bytes < 1) return `${bytes} B`;
  const exponent = Math.min(Math.floor(Math.log10(bytes) / 3), units.length - 1);
  const value = Number((bytes / 1000 ** exponent).toPrecision(3));
  return `${value} ${units[exponent]}`;
}

function clock(ts) {
  const date = new Date(ts);
  const pad = (value) => String(value).padStart(2, "0");
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return date.toDateString() === new Date().toDateString()
    ? time
    : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** The nicks, and how many more there are when the list is partial (a big room's `joined`). */
function listUsers(users, count = users.length) {
  if (users.length === 0) return count > 0 ? `${count} people (/who lists them)` : "nobody";
  const more = count - users.length;
  return more > 0 ? `${users.join(", ")} and ${more} more (/who lists them all)` : users.join(", ");
}

function formatUptime(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
