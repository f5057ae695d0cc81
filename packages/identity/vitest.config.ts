import { defineConfig } from "vitest/config";
import { reporters } from "../../vitest.shared.ts";

export default defineConfig({
  test: {
    ...reporters("identity-node"),
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    exclude: ["test/workerd/**", "**/node_modules/**"],
  },
});
