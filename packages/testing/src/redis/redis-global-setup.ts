// Imported for the ProvidedContext augmentation below to type-check in any program.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startRedisServer } from "./redis-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Redis every test file of the run shares; read it with `inject("redisUrl")`. */
    redisUrl: string;
  }
}

/**
 * A vitest globalSetup: provides `redisUrl` from $REDIS_URL when set,
 * otherwise starts a private redis-server for the run and stops it after.
 * Use it as the default export of a globalSetup file.
 */
export async function redisGlobalSetup(
  project: Pick<TestProject, "provide">,
): Promise<(() => Promise<void>) | undefined> {
  const shared = process.env.REDIS_URL;
  if (shared) {
    project.provide("redisUrl", shared);
    return undefined;
  }
  const server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return () => server.kill();
}
