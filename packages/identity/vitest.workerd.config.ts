import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared.ts";

export default defineConfig({
  plugins: [
    cloudflareTest({
      miniflare: { compatibilityDate: "2025-11-01", compatibilityFlags: ["nodejs_compat"] },
    }),
  ],
  test: {
    ...reporters("identity-workerd"),
    include: ["test/workerd/**/*.test.ts"],
  },
});
