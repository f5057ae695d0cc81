import { randomUUID } from "node:crypto";
import { freePort } from "@gateway/testing";
import { GatewayError, IDENTITY_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayContext } from "../src/context.ts";
import { testConfigYaml } from "./support/config.ts";
import { startCentral } from "./support/harness.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream?.close());

describe("the rate-limit slot", () => {
  it("runs after identity, header stripping and routing, and before the upstream is contacted", async () => {
    const seen: unknown[] = [];
    const slot: RequestHandler = (req, res, next) => {
      const context = gatewayContext(res);
      seen.push({
        route: context.route?.name,
        sub: context.identity?.sub,
        clientIp: context.clientIp,
        path: context.path,
        clientUserHeader: req.headers["x-user-id"],
      });
      next(
        req.headers["x-test-deny"]
          ? new GatewayError("rate_limited", "slow down", { "retry-after": "7" })
          : undefined,
      );
    };
    const central = await startCentral({
      yaml: testConfigYaml({
        upstream: upstream.url,
        downUpstream: `http://127.0.0.1:${await freePort()}`,
      }),
      rateLimit: slot,
    });
    try {
      const before = upstream.requests.length;
      const target = "/api/users/1";
      const denied = await fetch(central.url + target, {
        headers: {
          [IDENTITY_HEADER]: await central.mint("GET", target),
          "x-test-deny": "1",
          "x-user-id": "mallory",
        },
      });
      expect(denied.status).toBe(429);
      expect(denied.headers.get("retry-after")).toBe("7");
      expect(upstream.requests.length).toBe(before);
      expect(seen).toEqual([
        {
          route: "users",
          sub: "alice",
          clientIp: "203.0.113.7",
          path: "/api/users/1",
          clientUserHeader: undefined,
        },
      ]);
      // Unauthenticated and unroutable requests never reach the slot.
      await fetch(central.url + target);
      await fetch(`${central.url}/nowhere`, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", "/nowhere") },
      });
      expect(seen).toHaveLength(1);
    } finally {
      await central.close();
    }
  });

  it("holds the configured Redis rate limit by default (as main.ts composes it): the third request is 429", async () => {
    const policy = `tight-${randomUUID().slice(0, 8)}`;
    const yaml = testConfigYaml({
      upstream: upstream.url,
      downUpstream: upstream.url,
      rateLimitsYaml: `rateLimits:\n  policies:\n    - name: ${policy}\n      algorithm: fixed_window\n      limit: 2\n      windowSeconds: 60\n      key: [consumer, route]\n      failMode: closed\n`,
      extraRoutes: `  - name: limited\n    path: /api/limited\n    methods: [GET]\n    auth: jwt\n    upstream: ${upstream.url}\n    rateLimit: [${policy}]\n`,
    });
    const central = await startCentral({ yaml });
    try {
      const sub = `user-${randomUUID()}`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const target = "/api/limited";
        const response = await fetch(central.url + target, {
          headers: { [IDENTITY_HEADER]: await central.mint("GET", target, { sub }) },
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
        } else {
          await response.arrayBuffer();
        }
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await central.close();
    }
  });
});
