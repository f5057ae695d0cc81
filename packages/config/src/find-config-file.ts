import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_FILE_NAME = "gateway.config.yaml";

/**
 * $GATEWAY_CONFIG if set, else the nearest gateway.config.yaml from `cwd` upwards
 * (so `pnpm --filter @gateway/config check`, which runs in the package folder,
 * finds the repository's file), else ./gateway.config.yaml.
 */
export function defaultConfigPath(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.GATEWAY_CONFIG) return env.GATEWAY_CONFIG;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return CONFIG_FILE_NAME;
  }
}
