// The RateLimit headers of a token bucket / GCRA with a burst describe what the
// client can do: `q` = the burst, `w` = the time the sustained rate takes to
// refill it. Through a real central and Redis.
import { randomUUID } from "node:crypto";
import { compileCentral, parseConfig } from "@gateway/config";
import { IDENTITY_HEADER } from "@gateway/types";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRateLimitPlugin, createRedisRateLimitStore } from "../src/plugins/rate-limit/index.ts";
import { testConfigYaml } from "./support/config.ts";
import { startCentral } from "./support/harness.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream?.close());

describe("RateLimit headers for a policy with a burst", () => {
  // 60 per hour (one a minute) with a burst of 20: the burst refills in 20 minutes.
  it.each(["token_bucket", "gcra"])(
    "%s: q=burst, w=burst/rate; r counts the burst down to 0, then 429",
    async (algorithm) => {
      const policy = `burst-${randomUUID().slice(0, 8)}`;
      const yaml = testConfigYaml({
        upstream: upstream.url,
        downUpstream: upstream.url,
        rateLimitsYaml: `rateLimits:\n  policies:\n    - { name: ${policy}, algorithm: ${algorithm}, limit: 60, windowSeconds: 3600, burst: 20, key: [consumer], failMode: closed }\n`,
        extraRoutes: `  - { name: limited, path: /api/limited, methods: [GET], auth: jwt, upstream: ${upstream.url}, rateLimit: [${policy}] }\n`,
      });
      const redis = new Redis(inject("redisUrl"));
      const plugin = createRateLimitPlugin(compileCentral(parseConfig(yaml, {})).rateLimits.policies, {
        store: createRedisRateLimitStore(redis),
        logger: pino({ level: "silent" }),
      });
      const central = await startCentral({ yaml, rateLimit: plugin });
      try {
        const sub = `user-${randomUUID()}`;
        const target = "/api/limited";
        const seen: Array<{ status: number; policy: string | null; limit: string | null }> = [];
        for (let i = 0; i < 21; i++) {
          const response = await fetch(central.url + target, {
            headers: { [IDENTITY_HEADER]: await central.mint("GET", target, { sub }) },
          });
          await response.arrayBuffer();
          seen.push({
            status: response.status,
            policy: response.headers.get("ratelimit-policy"),
            limit: response.headers.get("ratelimit"),
          });
          if (response.status === 429)
            expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(60);
        }
        expect(seen.map((r) => r.status)).toEqual([...Array(20).fill(200), 429]);
        expect(new Set(seen.map((r) => r.policy))).toEqual(new Set([`"${policy}";q=20;w=1200`]));
        seen.forEach((r, i) => {
          const match = /^"[^"]+";r=(\d+);t=(\d+)$/.exec(r.limit ?? "");
          expect(match, r.limit ?? "none").not.toBeNull();
          expect(Number(match?.[1])).toBe(Math.max(0, 19 - i));
          expect(Number(match?.[2])).toBeLessThanOrEqual(1200);
        });
      } finally {
        await central.close();
        redis.disconnect();
      }
    },
  );
});
