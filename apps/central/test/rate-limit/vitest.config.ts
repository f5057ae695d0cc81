import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Runs only the rate limit tests, each file with its own redis-server unless
 * REDIS_URL is set (see redis-for-tests.ts). From apps/central:
 *   pnpm exec vitest run --config test/rate-limit/vitest.config.ts
 */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["src/plugins/rate-limit/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
