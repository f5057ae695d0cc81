import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared.ts";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      // The Worker under test keeps wrangler.jsonc's CENTRAL_URL and gets no
      // EDGE_IDENTITY_PRIVATE_JWK: src/index.ts must then answer 500, not crash.
      // Test-only Rate Limiting bindings for the edge policies in test/workerd/rate-limit-fixture.ts
      // (named RL_<POLICY>, like the ones wrangler.jsonc declares for gateway.config.yaml).
      miniflare: {
        bindings: {},
        ratelimits: {
          RL_TEST_IP: { namespace_id: "9001", simple: { limit: 3, period: 60 } },
          RL_TEST_CONSUMER: { namespace_id: "9002", simple: { limit: 2, period: 60 } },
        },
      },
    }),
  ],
  // Same alias as wrangler.jsonc: the compiled edge config bundled into the Worker.
  resolve: {
    alias: {
      "gateway-edge-config": fileURLToPath(new URL("./src/generated/edge-config.json", import.meta.url)),
    },
  },
  test: {
    ...reporters("edge"),
    include: ["src/**/*.test.ts", "test/workerd/**/*.test.ts"],
    globalSetup: ["./test/node/global-setup.ts"],
    testTimeout: 20_000,
  },
});
