import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared.ts";

// Node-side tests of the edge: they start `wrangler dev` (workerd behind wrangler's
// local proxy) and talk to it over real sockets, so they cannot run inside workerd.
export default defineConfig({
  test: {
    ...reporters("edge-node"),
    include: ["test/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
