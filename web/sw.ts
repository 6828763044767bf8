/**
 * The service worker, registered only where the page is a secure context (localhost, or
 * `--tls`; a plain `http://` LAN address has none): it keeps the page's own files, so that the
 * installed app opens, and shows that it is reconnecting, while the server is unreachable. It
 * never keeps anything people say or share: the WebSocket and file downloads go straight to the
 * network. Network first, so a new version of the server's page is used as soon as it answers.
 *
 * @module
 */

/** The page's own files, as the server embeds them (src/server/web_assets.ts). */
const SHELL = ["/", "/app.js", "/app.css", "/icon.svg", "/manifest.webmanifest"];
const CACHE = "chat-shell-v1";

/** What this worker uses of the service worker scope (the `webworker` library is not loaded). */
interface WorkerScope {
  addEventListener(type: "install" | "activate", listener: (event: LifecycleEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchLikeEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}
interface LifecycleEvent {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchLikeEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}

const worker = globalThis as unknown as WorkerScope;

worker.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => worker.skipWaiting()),
  );
});

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) =>
        Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)))
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !SHELL.includes(url.pathname)) return;
  event.respondWith(
    fetch(event.request).then(
      (response) => {
        const copy = response.clone();
        if (response.ok) caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      },
      async () => (await caches.match(event.request)) ?? Response.error(),
    ),
  );
});
