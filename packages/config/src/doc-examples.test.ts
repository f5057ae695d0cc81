import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateConfig } from "./parse-config.ts";

/**
 * Every ```yaml block of these documents is a fragment of gateway.config.yaml:
 * merged into a minimal config (one JWT issuer, a `per-user` policy, no routes),
 * `check` must accept it.
 */
const DOCUMENTS = ["docs/traffic.md"];

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}

function withBase(fragment: Record<string, unknown>): Record<string, unknown> {
  return {
    version: 1,
    jwt: {
      issuers: [
        {
          name: "dev",
          issuer: "https://issuer.example",
          jwksUrl: "https://issuer.example/jwks.json",
          audiences: ["api"],
          algorithms: ["ES256"],
        },
      ],
    },
    rateLimits: {
      policies: [
        {
          name: "per-user",
          algorithm: "sliding_window",
          limit: 100,
          windowSeconds: 60,
          key: ["consumer"],
          failMode: "open",
        },
      ],
    },
    routes: [],
    ...fragment,
  };
}

describe.each(DOCUMENTS)("%s", (document) => {
  const markdown = readFileSync(new URL(`../../../${document}`, import.meta.url), "utf8");
  const blocks = yamlBlocks(markdown);

  it("has configuration examples", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block, index) => [index, block]))("example %i is a valid configuration", (_, block) => {
    const fragment = parse(block as string) as Record<string, unknown>;
    // Example environment for ${VARS}; template variables (${identity.sub}) are left alone.
    expect(() => validateConfig(withBase(fragment), { TENANT_DOMAIN: "example.com" })).not.toThrow();
  });
});
