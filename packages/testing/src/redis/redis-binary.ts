import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const FALLBACK = "/usr/bin/redis-server";

/** The first executable `redis-server` on `searchPath` (default $PATH), else /usr/bin/redis-server. */
export function findRedisServerBinary(searchPath = process.env.PATH ?? ""): string {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return FALLBACK;
}
