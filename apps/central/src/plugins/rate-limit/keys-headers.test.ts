import {
  advertisedQuota,
  type IdentityClaims,
  type RouteConfig,
  rateLimitPolicyHeader,
} from "@gateway/types";
import { describe, expect, it } from "vitest";
import { policy } from "../../../test/rate-limit/policies.ts";
import { hashTagOf, slotTag } from "../../redis/hash-tags.ts";
import { mostRestrictive, rateLimitHeaderOf } from "./headers.ts";
import { MAX_KEY_PART_LENGTH, rateLimitKey, rateLimitSlotTag } from "./keys.ts";
import type { RateLimitDecision } from "./types.ts";

const identity = { sub: "alice", tenant: "acme" } as IdentityClaims;
const route = { name: "orders" } as RouteConfig;

describe("rateLimitKey", () => {
  it("joins the policy's key parts in order, under the hash tag of its anchor part (consumer first)", () => {
    const p = { ...policy("gcra"), name: "per-user", key: ["tenant", "consumer", "route", "ip"] as const };
    expect(rateLimitKey({ ...p, key: [...p.key] }, { identity, route, clientIp: "203.0.113.9" })).toBe(
      "rl:{consumer=alice}:per-user:acme:alice:orders:203.0.113.9",
    );
  });

  it("anchors on ip, then tenant, then route, then the policy itself", () => {
    const p = { ...policy("gcra"), name: "p" };
    const context = { identity, route, clientIp: "203.0.113.9" };
    expect(rateLimitKey({ ...p, key: ["route", "ip"] }, context)).toBe(
      "rl:{ip=203.0.113.9}:p:orders:203.0.113.9",
    );
    expect(rateLimitKey({ ...p, key: ["route", "tenant"] }, context)).toBe("rl:{tenant=acme}:p:orders:acme");
    expect(rateLimitKey({ ...p, key: ["route"] }, context)).toBe("rl:{route=orders}:p:orders");
    expect(rateLimitKey({ ...p, key: [] }, context)).toBe("rl:{policy=p}:p:*");
  });

  it("keeps one counter for a policy shared by routes, and one slot for a request's consumer-keyed policies", () => {
    const a = { ...policy("gcra"), name: "a", key: ["consumer" as const] };
    const b = { ...policy("gcra"), name: "b", key: ["consumer" as const, "route" as const] };
    const on = (name: string) => ({ identity, route: { name } as RouteConfig, clientIp: "::1" });
    expect(rateLimitKey(a, on("orders"))).toBe(rateLimitKey(a, on("users")));
    expect(hashTagOf(rateLimitKey(a, on("orders")))).toBe(hashTagOf(rateLimitKey(b, on("users"))));
    expect(rateLimitSlotTag(b, on("users"))).toBe(slotTag("consumer", "alice"));
  });

  it('uses "-" for a missing tenant or identity, "*" for a policy without key parts', () => {
    const p = { ...policy("gcra"), name: "t" };
    expect(rateLimitKey({ ...p, key: ["tenant", "consumer"] }, { clientIp: "::1" })).toBe(
      "rl:{consumer=-}:t:-:-",
    );
    expect(rateLimitKey({ ...p, key: [] }, { clientIp: "::1" })).toBe("rl:{policy=t}:t:*");
  });

  it("encodes separators and hash-tag braces, so parts cannot collide or move the hash tag", () => {
    const p = { ...policy("gcra"), name: "ip", key: ["ip" as const, "consumer" as const] };
    const a = rateLimitKey(p, { clientIp: "2001:db8::1", identity: { sub: "x" } as IdentityClaims });
    const b = rateLimitKey(p, { clientIp: "2001", identity: { sub: "db8::1:x" } as IdentityClaims });
    expect(a).toBe("rl:{consumer=x}:ip:2001%3Adb8%3A%3A1:x");
    expect(a).not.toBe(b);
    const braces = rateLimitKey(p, { clientIp: "{x}", identity: { sub: "}{" } as IdentityClaims });
    expect(braces).toBe("rl:{consumer=%7D%7B}:ip:%7Bx%7D:%7D%7B");
    expect(hashTagOf(braces)).toBe("consumer=%7D%7B");
  });

  it("hashes long parts, keeping keys bounded and distinct", () => {
    const p = { ...policy("gcra"), name: "c", key: ["consumer" as const] };
    const long = (sub: string) => rateLimitKey(p, { clientIp: "-", identity: { sub } as IdentityClaims });
    const a = long("a".repeat(5000));
    expect(a.length).toBeLessThan(2 * MAX_KEY_PART_LENGTH + 30);
    expect(a).toMatch(/^rl:\{consumer=#[\w-]{43}\}:c:#[\w-]{43}$/);
    expect(long(`${"a".repeat(4999)}b`)).not.toBe(a);
  });
});

describe("hashTagOf", () => {
  it("follows the Redis Cluster rule: first non-empty {...}, else the whole key", () => {
    expect(hashTagOf("rl:{consumer=a}:x")).toBe("consumer=a");
    expect(hashTagOf("a{}b{c}")).toBe("a{}b{c}");
    expect(hashTagOf("a{b}{c}")).toBe("b");
    expect(hashTagOf("a{b")).toBe("a{b");
    expect(hashTagOf("plain")).toBe("plain");
  });
});

describe("headers", () => {
  const perUser = { ...policy("gcra", { limit: 100, windowSeconds: 60 }), name: "per-user" };
  const perIp = { ...policy("gcra", { limit: 1000, windowSeconds: 3600 }), name: 'odd"name' };

  it("formats RateLimit-Policy and RateLimit as structured fields", () => {
    expect(rateLimitPolicyHeader([perUser, perIp])).toBe('"per-user";q=100;w=60, "odd\\"name";q=1000;w=3600');
    expect(
      rateLimitHeaderOf({
        policy: perUser,
        decision: { allowed: true, limit: 100, remaining: 37, resetSeconds: 12 },
      }),
    ).toBe('"per-user";r=37;t=12');
  });

  it("advertises a token bucket / GCRA burst as the quota, refilled over burst / rate seconds", () => {
    for (const algorithm of ["token_bucket", "gcra"] as const) {
      const bucket = { ...policy(algorithm, { limit: 60, windowSeconds: 60, burst: 20 }), name: "per-ip" };
      expect(rateLimitPolicyHeader([bucket])).toBe('"per-ip";q=20;w=20');
      // 7 per minute with a burst of 3: the burst refills in 25.7 s, advertised as 26.
      expect(advertisedQuota({ ...bucket, limit: 7, burst: 3 })).toEqual({ quota: 3, windowSeconds: 26 });
      expect(advertisedQuota({ ...bucket, limit: 10, burst: 50 })).toEqual({ quota: 50, windowSeconds: 300 });
    }
    const window = policy("sliding_window", { limit: 60, windowSeconds: 60, burst: 20 });
    expect(advertisedQuota(window)).toEqual({ quota: 60, windowSeconds: 60 });
  });

  it("picks the denying policy that frees last, else the one with least remaining", () => {
    const allowed = (remaining: number, resetSeconds: number) => ({
      allowed: true,
      limit: 9,
      remaining,
      resetSeconds,
    });
    const denied = (retryAfterSeconds: number) => ({
      allowed: false,
      limit: 9,
      remaining: 0,
      resetSeconds: 60,
      retryAfterSeconds,
    });
    const third = (...decisions: RateLimitDecision[]) => {
      const results = decisions.map((decision) => ({ policy: perUser, decision }));
      return mostRestrictive(results) === results[2];
    };
    expect(third(allowed(5, 10), allowed(2, 10), allowed(2, 30))).toBe(true);
    expect(third(allowed(0, 10), denied(3), denied(7))).toBe(true);
    expect(third(denied(7), denied(3), allowed(0, 10))).toBe(false);
  });
});
