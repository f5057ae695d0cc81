import { type CentralRedis, isCluster } from "../../redis/index.ts";
import { EVALUATE_LUA } from "./scripts/evaluate.ts";

const wired = new WeakSet<CentralRedis>();

type ScriptNode = { options: { host?: string; port?: number }; script(...args: string[]): Promise<unknown> };

/**
 * Loads the rate-limit script into every master whenever the client is ready
 * and, on a cluster, whenever the slot map changes (a failover promotes a
 * replica without the script; Redis does not replicate SCRIPT LOAD). On a
 * cluster this also opens the connection to each master before the first
 * request needs it, so a replica's first burst does not pay for connecting and
 * for a NOSCRIPT round trip (the store still falls back to EVAL).
 */
export function preloadRateLimitScript(redis: CentralRedis): void {
  // composed again on every config reload: one set of listeners per client
  if (wired.has(redis)) return;
  wired.add(redis);
  if (!isCluster(redis)) {
    redis.on("ready", () => {
      redis.script("LOAD", EVALUATE_LUA).catch(() => {});
    });
    return;
  }
  const loaded = new Set<string>();
  const keyOf = (node: ScriptNode) => `${node.options.host}:${node.options.port}`;
  const loadAll = () => {
    for (const node of redis.nodes("master") as unknown as ScriptNode[]) {
      const key = keyOf(node);
      if (loaded.has(key)) continue;
      loaded.add(key);
      node.script("LOAD", EVALUATE_LUA).catch(() => loaded.delete(key));
    }
  };
  redis.on("ready", loadAll);
  redis.on("refresh", loadAll);
  redis.on("-node", (node: ScriptNode) => loaded.delete(keyOf(node)));
}
