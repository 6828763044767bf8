import type { BlobStore, Hub, StoredEvent } from "../chat/mod.ts";
import { type HttpResponse, parseRange, type RequestHead } from "./http/mod.ts";

/** How much of a file is read at a time for an HTTP download. */
const PIECE_BYTES = 256 * 1024;

/**
 * Answers `GET /files/TOKEN/NAME`: a shared file over HTTP for a browser's own download
 * manager, with its length, a safe name to save it as, and byte ranges so that an interrupted
 * download resumes. The token (from a `download_link` request of a signed-in connection) is what
 * authorises it; an unknown or expired one is answered exactly like a missing file.
 *
 * @example
 * ```ts ignore
 * return await fileDownload(request, "/files/eyJ….x/report.pdf", hub, SECURITY_HEADERS);
 * ```
 */
export async function fileDownload(
  request: RequestHead,
  path: string,
  hub: Hub,
  headers: Record<string, string>,
): Promise<HttpResponse> {
  const token = path.split("/")[2] ?? "";
  const event = await hub.downloadOf(token);
  if (event === undefined) {
    return text(404, "This download link is unknown or has expired; ask for it again.", headers);
  }
  return fileResponse(request, event, hub.blobs, headers);
}

function fileResponse(
  request: RequestHead,
  event: StoredEvent,
  blobs: BlobStore,
  headers: Record<string, string>,
): HttpResponse {
  const file = event.file!;
  const etag = `"${file.sha256}"`;
  const fileHeaders = {
    ...headers,
    "content-type": "application/octet-stream",
    "content-disposition": disposition(file.name),
    "accept-ranges": "bytes",
    etag,
    // Private to the person it was made for; a download manager may keep it to resume.
    "cache-control": "private, max-age=0",
  };
  // A range of another version (If-Range not matching) is answered with the whole file.
  const ifRange = request.headers.get("if-range");
  const range = ifRange !== null && ifRange !== etag
    ? undefined
    : parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    return {
      status: 416,
      headers: { ...fileHeaders, "content-range": `bytes */${file.size}` },
      body: new Uint8Array(),
    };
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? file.size - 1;
  const length = Math.max(0, end - start + 1);
  return {
    status: range === undefined ? 200 : 206,
    headers: range === undefined
      ? fileHeaders
      : { ...fileHeaders, "content-range": `bytes ${start}-${end}/${file.size}` },
    body: length === 0 ? new Uint8Array() : piecesOf(blobs, file.blob, start, length),
    length,
  };
}

/** The `length` bytes of `blob` from `start`, a piece at a time: never the whole file at once. */
async function* piecesOf(
  blobs: BlobStore,
  blob: string,
  start: number,
  length: number,
): AsyncGenerator<Uint8Array> {
  let left = length;
  for await (const piece of blobs.read(blob, { offset: start, chunkBytes: PIECE_BYTES })) {
    const part = piece.byteLength > left ? piece.subarray(0, left) : piece;
    yield part;
    left -= part.byteLength;
    if (left <= 0) return;
  }
}

/**
 * `attachment` with the name twice: as plain ASCII for old clients (anything else replaced) and
 * as UTF-8 (RFC 6266, RFC 8187) for the rest.
 */
export function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const utf8 = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

function text(status: number, body: string, headers: Record<string, string>): HttpResponse {
  return {
    status,
    headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
    body: new TextEncoder().encode(body),
  };
}
