// Test support for the rate-limit tests.
import { env } from "cloudflare:workers";
import { compileEdge, parseConfig } from "@gateway/config";
import type { EdgeConfig, EdgeRateLimitPolicy } from "@gateway/types";
import { resolveCoarseLimiters } from "../../src/middleware/rate-limit/index.ts";
import { createFixture, type Fixture, type FixtureOptions, testConfigYaml } from "./edge-fixture.ts";

/** Bindings RL_TEST_IP and RL_TEST_CONSUMER are declared in vitest.config.ts with these limits. */
export const TEST_EDGE_POLICIES: EdgeRateLimitPolicy[] = [
  { name: "test-ip", kind: "binding", limit: 3, windowSeconds: 60, key: ["ip"] },
  { name: "test-consumer", kind: "binding", limit: 2, windowSeconds: 60, key: ["consumer"] },
  { name: "precise-ip", kind: "durable_object", limit: 3, windowSeconds: 10, key: ["ip"] },
  { name: "precise-consumer", kind: "durable_object", limit: 2, windowSeconds: 60, key: ["consumer"] },
  { name: "precise-both", kind: "durable_object", limit: 1, windowSeconds: 60, key: ["consumer", "ip"] },
  // No RL_UNBOUND binding exists: routes using it must answer 500.
  { name: "unbound", kind: "binding", limit: 5, windowSeconds: 60, key: ["ip"] },
];

/** Route path → [auth, edge policies]. Each test adds its own sub-path, so central's hit counts are per test. */
const LIMITED_ROUTES: Record<string, ["public" | "jwt" | "api_key", string[]]> = {
  "/rl/binding-ip": ["public", ["test-ip"]],
  "/rl/binding-ip-jwt": ["jwt", ["test-ip"]],
  "/rl/binding-consumer": ["jwt", ["test-consumer"]],
  "/rl/precise-ip": ["public", ["precise-ip"]],
  "/rl/precise-consumer": ["jwt", ["precise-consumer", "precise-both"]],
  "/rl/open": ["jwt", []],
  "/rl/open-too": ["jwt", []],
  "/rl/open-public": ["public", []],
  "/rl/unbound": ["public", ["unbound"]],
  "/rl/precise-consumer-key": ["api_key", ["precise-consumer"]],
};

/** The shared test config plus the rate-limit policies and routes above. */
export function withLimitedRoutes(config: EdgeConfig): EdgeConfig {
  const template = config.routes.find((route) => route.name === "items");
  if (!template) throw new Error("the shared test config has no items route");
  return {
    ...config,
    rateLimits: { edge: TEST_EDGE_POLICIES },
    routes: [
      ...config.routes,
      ...Object.entries(LIMITED_ROUTES).map(([path, [auth, edgeRateLimit]]) => ({
        ...template,
        name: path.slice(1).replace(/\//g, "-"),
        path,
        auth,
        methods: ["GET" as const],
        edgeRateLimit,
      })),
    ],
  };
}

/** An app whose limiters come from the test Worker's env, as depsFromEnv would build them. */
export async function createLimitedFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const tag = options.tag ?? crypto.randomUUID();
  const config = withLimitedRoutes(compileEdge(parseConfig(testConfigYaml({ ...options, tag }), {})));
  const { limiters } = resolveCoarseLimiters(config.rateLimits.edge, env);
  // Access logs off: these tests make many requests and assert on responses.
  return createFixture({
    ...options,
    tag,
    deps: { config, coarseLimiters: limiters, log: () => {}, ...options.deps },
  });
}

/** A random documentation-range IPv6 address, so tests never share a counter. */
export function randomIp(): string {
  const groups = [...crypto.getRandomValues(new Uint16Array(4))].map((group) => group.toString(16));
  return `2001:db8::${groups.join(":")}`;
}

export function fromIp(ip: string, headers: Record<string, string> = {}): Record<string, string> {
  return { "cf-connecting-ip": ip, ...headers };
}

/**
 * The binding's windows (the local simulation's, like Cloudflare's) are aligned
 * to the clock: start a counting test well inside one, never across a boundary.
 */
export async function awayFromWindowEdge(periodSeconds: number): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < 3000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
