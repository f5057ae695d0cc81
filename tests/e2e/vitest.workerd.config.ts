import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared.ts";

// The stack-based end-to-end tests again, with the edge under `workerd serve` (./gw start-edge)
// instead of `wrangler dev`: the self-hosted edge must pass the same suite.
export default defineConfig({
  test: {
    include: ["test/request-path.test.ts", "test/api-keys.test.ts", "test/grpc.test.ts"],
    env: { E2E_EDGE_RUNTIME: "workerd" },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    ...reporters("e2e-workerd"),
  },
});
