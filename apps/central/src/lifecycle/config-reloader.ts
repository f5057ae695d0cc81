import { ConfigError } from "@gateway/config";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics/index.ts";

export type ReloadTrigger = "SIGHUP" | "file change";

export type ReloadResult =
  | { result: "applied"; hash: string; previousHash: string }
  | { result: "rejected"; issues: string[] }
  | { result: "skipped"; reason: string };

/** A config built and ready to serve, not yet current. */
export interface BuiltConfig<T> {
  value: T;
  hash: string;
}

export interface ConfigReloaderOptions<T> {
  /** The hash of the config running at start. */
  initialHash: string;
  /**
   * Reads the file, validates it as `./gw check` does and composes a new central from it. Throws
   * ConfigError (one path-bearing line per problem, as `check` prints them) or any other error.
   */
  build(): Promise<BuiltConfig<T>>;
  /** Makes a built config current. */
  apply(built: BuiltConfig<T>): void;
  /** Releases a built config that will not be applied (shutdown began while it was built). */
  discard(built: BuiltConfig<T>): void;
  /** False once shutdown has begun: reloads are refused. */
  accepting(): boolean;
  logger: Pick<Logger, "info" | "warn" | "error">;
  metrics?: Pick<GatewayMetrics, "configReload" | "configLoaded">;
}

export interface ReloadStats {
  applied: number;
  rejected: number;
  last?: { result: "applied" | "rejected"; trigger: ReloadTrigger; at: string; issues?: string[] };
}

export interface ConfigReloader {
  /** Builds and applies the config; reloads never overlap (one asked for during another runs after it). */
  reload(trigger: ReloadTrigger): Promise<ReloadResult>;
  stats(): ReloadStats;
  currentHash(): string;
}

function issuesOf(error: unknown): string[] {
  if (error instanceof ConfigError) return error.issues;
  return [error instanceof Error ? error.message : String(error)];
}

/**
 * Config reload: build everything for the new config first, then switch in one step, so a config
 * that does not load, validate or compose leaves the running one in place (and says why, once).
 */
export function createConfigReloader<T>(options: ConfigReloaderOptions<T>): ConfigReloader {
  const { logger, metrics } = options;
  let hash = options.initialHash;
  const stats: ReloadStats = { applied: 0, rejected: 0 };
  let queue: Promise<unknown> = Promise.resolve();

  const run = async (trigger: ReloadTrigger): Promise<ReloadResult> => {
    if (!options.accepting()) return { result: "skipped", reason: "shutting down" };
    let built: BuiltConfig<T>;
    try {
      built = await options.build();
    } catch (error) {
      const issues = issuesOf(error);
      stats.rejected++;
      stats.last = { result: "rejected", trigger, at: new Date().toISOString(), issues };
      metrics?.configReload("rejected");
      logger.error({ trigger, hash, issues }, "config reload rejected: still serving the previous config");
      return { result: "rejected", issues };
    }
    if (!options.accepting()) {
      options.discard(built);
      return { result: "skipped", reason: "shutting down" };
    }
    const previousHash = hash;
    options.apply(built);
    hash = built.hash;
    stats.applied++;
    stats.last = { result: "applied", trigger, at: new Date().toISOString() };
    metrics?.configReload("applied");
    metrics?.configLoaded(hash);
    logger.info({ trigger, hash, previousHash, unchanged: hash === previousHash }, "config reloaded");
    return { result: "applied", hash, previousHash };
  };

  return {
    reload(trigger) {
      const next = queue.then(() => run(trigger));
      queue = next.catch(() => {});
      return next;
    },
    stats: () => ({ ...stats, ...(stats.last === undefined ? {} : { last: { ...stats.last } }) }),
    currentHash: () => hash,
  };
}
