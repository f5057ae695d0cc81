import type { EdgeRateLimitPolicy } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { rateLimitBindingName, wranglerEdgeBindings } from "./edge-rate-limit-bindings.ts";

const policies: EdgeRateLimitPolicy[] = [
  { name: "ip-coarse", kind: "binding", limit: 1000, windowSeconds: 60, key: ["ip"] },
  { name: "per.consumer_10s", kind: "binding", limit: 50, windowSeconds: 10, key: ["consumer"] },
  { name: "hourly", kind: "durable_object", limit: 5000, windowSeconds: 3600, key: ["consumer"] },
];

describe("edge rate-limit bindings", () => {
  it("derives an env-style binding name from the policy name", () => {
    expect(rateLimitBindingName("ip-coarse")).toBe("RL_IP_COARSE");
    expect(rateLimitBindingName("per.consumer_10s")).toBe("RL_PER_CONSUMER_10S");
  });

  it("lists one ratelimits entry per binding policy and the Durable Object namespace", () => {
    const bindings = wranglerEdgeBindings(policies);
    expect(bindings.ratelimits.map(({ name, simple }) => ({ name, simple }))).toEqual([
      { name: "RL_IP_COARSE", simple: { limit: 1000, period: 60 } },
      { name: "RL_PER_CONSUMER_10S", simple: { limit: 50, period: 10 } },
    ]);
    expect(bindings.durable_objects).toEqual({
      bindings: [{ name: "EDGE_LIMITER", class_name: "EdgeLimiter" }],
    });
    expect(bindings.migrations).toEqual([{ tag: "v1", new_sqlite_classes: ["EdgeLimiter"] }]);
  });

  it("gives each policy a stable, distinct positive integer namespace_id", () => {
    const ids = wranglerEdgeBindings(policies).ratelimits.map((entry) => entry.namespace_id);
    const reordered = wranglerEdgeBindings([...policies].reverse()).ratelimits.map((e) => e.namespace_id);
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{3,9}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...reordered].reverse()).toEqual(ids);
  });
});
