import { DurableObject } from "cloudflare:workers";
import { type SlidingLogDecision, slidingLogHit } from "./sliding-log.ts";

export interface HitOptions {
  limit: number;
  windowMs: number;
  /** The calling Worker's clock (injectable there, so windows can be tested without sleeping). */
  now: number;
}

/**
 * One instance per (edge policy, key), addressed with idFromName: a precise
 * sliding-window log. The log lives in memory and in SQLite storage, so an
 * evicted object comes back with its counts. Each admitted request writes one
 * row (and deletes the rows that left the window); a denied one writes nothing.
 * An alarm deletes all storage once every entry has expired, so idle keys cost
 * nothing.
 */
export class EdgeLimiter extends DurableObject {
  #log: number[] = [];
  /** Never moves back: a caller whose clock lags cannot re-open a window. */
  #lastNow = Number.NEGATIVE_INFINITY;
  #tableReady = false;
  #alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#ensureTable();
      this.#log = this.ctx.storage.sql
        .exec<{ t: number }>("SELECT t FROM hits ORDER BY t")
        .toArray()
        .map((row) => row.t);
      this.#lastNow = this.#log.at(-1) ?? Number.NEGATIVE_INFINITY;
      this.#alarmAt = await this.ctx.storage.getAlarm();
    });
  }

  async hit(options: HitOptions): Promise<SlidingLogDecision> {
    const { limit, windowMs } = options;
    if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0) || !Number.isFinite(options.now)) {
      throw new RangeError("EdgeLimiter.hit: limit must be a positive integer, windowMs and now finite");
    }
    const now = Math.max(options.now, this.#lastNow);
    this.#lastNow = now;
    const { decision, pruned } = slidingLogHit(this.#log, now, limit, windowMs);
    if (!decision.allowed) return decision;

    this.#ensureTable();
    const sql = this.ctx.storage.sql;
    if (pruned > 0) sql.exec("DELETE FROM hits WHERE t <= ?", now - windowMs);
    sql.exec("INSERT INTO hits (t, expires) VALUES (?, ?)", now, Date.now() + windowMs);
    if (this.#alarmAt === null) {
      this.#alarmAt = Date.now() + windowMs;
      await this.ctx.storage.setAlarm(this.#alarmAt);
    }
    return decision;
  }

  /** `expires` is in this object's own clock, so cleanup works whatever clock the callers use. */
  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    this.#ensureTable();
    const [row] = this.ctx.storage.sql
      .exec<{ last: number | null }>("SELECT max(expires) AS last FROM hits")
      .toArray();
    const last = row?.last ?? null;
    if (last === null || last <= Date.now()) {
      await this.ctx.storage.deleteAll();
      this.#tableReady = false;
      this.#log = [];
      return;
    }
    this.#alarmAt = last;
    await this.ctx.storage.setAlarm(last);
  }

  #ensureTable(): void {
    if (this.#tableReady) return;
    this.ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS hits (t REAL NOT NULL, expires REAL NOT NULL); CREATE INDEX IF NOT EXISTS hits_t ON hits (t)",
    );
    this.#tableReady = true;
  }
}
