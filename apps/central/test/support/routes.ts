import type { RouteConfig } from "@gateway/types";

/** A RouteConfig with every field filled; override what the test is about. */
export function route(overrides: Partial<RouteConfig> & Pick<RouteConfig, "name" | "path">): RouteConfig {
  return {
    methods: ["GET"],
    auth: "jwt",
    issuers: [],
    roles: [],
    scopes: [],
    upstream: { urls: ["http://127.0.0.1:1"] },
    timeoutMs: 1000,
    maxBodyBytes: 1024,
    rateLimit: [],
    edgeRateLimit: [],
    ...overrides,
  };
}
