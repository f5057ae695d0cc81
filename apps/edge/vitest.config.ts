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
      miniflare: { bindings: {} },
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
