import { join } from "@std/path";
import { DiskBlobStore, SqliteHistoryStore } from "../../store/mod.ts";
import { CHANGE_TYPES } from "../../chat/history_store.ts";
import {
  type ExportedEvent,
  type ExportSource,
  selected,
  type Selection,
} from "./exported_event.ts";

/** How many events are read from the database at a time. */
const BATCH = 1000;

/**
 * Reads the history of a data dir directly, as its host: every event of every room and every
 * private conversation, exactly as the store holds it. The database is opened read-only, so a
 * server may keep running on it.
 */
export class DataDirSource implements ExportSource {
  readonly #history: SqliteHistoryStore;
  readonly #dataDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
    this.#history = SqliteHistoryStore.openReadOnly(join(dataDir, "chat.db"));
  }

  async events(selection: Selection): Promise<ExportedEvent[]> {
    const events: ExportedEvent[] = [];
    for (let after = 0;;) {
      const batch = await this.#history.events({ after, limit: BATCH });
      for (const event of batch) {
        // Messages come as they read now; the changes that made them so are in them already.
        if (CHANGE_TYPES.includes(event.type)) continue;
        const exported = event as unknown as ExportedEvent;
        if (selected(exported, selection)) events.push(exported);
      }
      if (batch.length < BATCH) return events;
      after = batch[batch.length - 1].id;
    }
  }

  async saveFile(event: ExportedEvent, path: string): Promise<void> {
    const blob = (event.file as { blob?: unknown } | undefined)?.blob;
    if (typeof blob !== "string") throw new Error(`Event ${event.id} shares no stored file.`);
    const blobs = await DiskBlobStore.open(join(this.#dataDir, "files"));
    using file = await Deno.open(path, { write: true, create: true, truncate: true });
    for await (const chunk of blobs.read(blob, { offset: 0, chunkBytes: 1 << 20 })) {
      for (let written = 0; written < chunk.length;) {
        written += await file.write(chunk.subarray(written));
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#history.close();
  }
}
