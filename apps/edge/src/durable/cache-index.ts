import { DurableObject } from "cloudflare:workers";

export interface IndexedEntry {
  /** Cache key of the stored entry and of its variant index. */
  entryKey: string;
  indexKey: string;
  /** Client-facing path and query. */
  url: string;
  tags: string[];
  /** Epoch ms after which the entry is gone from the cache anyway. */
  expiresAt: number;
}

export type PurgeSelector = { url: string } | { prefix: string } | { tag: string };

/**
 * The one index the Cache API cannot provide: which stored keys belong to a URL,
 * a path prefix or a tag, so purges and invalidations can delete them. One
 * instance (idFromName("cache-index")) per deployment, in SQLite storage;
 * expired rows are dropped as new ones arrive.
 */
export class CacheIndex extends DurableObject {
  #ready = false;

  async record(entry: IndexedEntry): Promise<void> {
    this.#ensureTables();
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM entries WHERE expires_at < ?", Date.now());
    sql.exec("DELETE FROM tags WHERE entry_key NOT IN (SELECT entry_key FROM entries)");
    sql.exec(
      "INSERT OR REPLACE INTO entries (entry_key, index_key, url, expires_at) VALUES (?, ?, ?, ?)",
      entry.entryKey,
      entry.indexKey,
      entry.url,
      entry.expiresAt,
    );
    sql.exec("DELETE FROM tags WHERE entry_key = ?", entry.entryKey);
    for (const tag of entry.tags) {
      sql.exec("INSERT OR IGNORE INTO tags (tag, entry_key) VALUES (?, ?)", tag, entry.entryKey);
    }
  }

  /** Removes the selected rows and returns every cache key to delete (entries and their variant indexes). */
  async purge(selector: PurgeSelector): Promise<string[]> {
    this.#ensureTables();
    const sql = this.ctx.storage.sql;
    let rows: Array<{ entry_key: string; index_key: string }>;
    if ("tag" in selector) {
      rows = sql
        .exec<{ entry_key: string; index_key: string }>(
          "SELECT e.entry_key, e.index_key FROM entries e JOIN tags t ON t.entry_key = e.entry_key WHERE t.tag = ?",
          selector.tag,
        )
        .toArray();
    } else if ("url" in selector) {
      rows = sql
        .exec<{ entry_key: string; index_key: string }>(
          "SELECT entry_key, index_key FROM entries WHERE url = ?",
          selector.url,
        )
        .toArray();
    } else {
      rows = sql
        .exec<{ entry_key: string; index_key: string }>(
          "SELECT entry_key, index_key FROM entries WHERE substr(url, 1, ?) = ?",
          selector.prefix.length,
          selector.prefix,
        )
        .toArray();
    }
    const keys = new Set<string>();
    for (const row of rows) {
      keys.add(row.entry_key);
      keys.add(row.index_key);
      sql.exec("DELETE FROM entries WHERE entry_key = ?", row.entry_key);
      sql.exec("DELETE FROM tags WHERE entry_key = ?", row.entry_key);
    }
    return [...keys];
  }

  #ensureTables(): void {
    if (this.#ready) return;
    this.ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS entries (entry_key TEXT PRIMARY KEY, index_key TEXT NOT NULL, url TEXT NOT NULL, expires_at REAL NOT NULL);
       CREATE INDEX IF NOT EXISTS entries_url ON entries (url);
       CREATE TABLE IF NOT EXISTS tags (tag TEXT NOT NULL, entry_key TEXT NOT NULL, PRIMARY KEY (tag, entry_key));`,
    );
    this.#ready = true;
  }
}
