import { defineConfig } from "vitest/config";
import { reporters } from "../vitest.shared.ts";

export default defineConfig({
  // deploy-edge tests spawn the config compiler and wrangler: seconds each on a busy machine.
  test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, ...reporters("infra") },
});
