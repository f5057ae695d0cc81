import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared.ts";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/support/redis-global-setup.ts"],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    ...reporters("central"),
  },
});
