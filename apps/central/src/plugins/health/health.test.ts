import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { createHealthEndpoints } from "./index.ts";

let healthy = true;
let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp(
    [
      createHealthEndpoints([
        { name: "always", check: async () => {} },
        {
          name: "flaky",
          check: async () => {
            if (!healthy) throw new Error("down");
          },
        },
        { name: "hangs-when-unhealthy", check: () => (healthy ? Promise.resolve() : new Promise(() => {})) },
      ]),
    ],
    (_req, res) => {
      res.status(418).send("not a health path");
    },
  );
});
afterAll(() => app.close());

describe("health endpoints", () => {
  it("/healthz is always ok", async () => {
    healthy = false;
    const response = await fetch(`${app.url}/healthz?probe=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("/readyz reports every check", async () => {
    healthy = true;
    const response = await fetch(`${app.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      checks: ["always", "flaky", "hangs-when-unhealthy"],
    });
  });

  it("/readyz is 503 naming failed and hanging checks (bounded by a timeout)", async () => {
    healthy = false;
    const started = Date.now();
    const response = await fetch(`${app.url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("service_unavailable");
    expect(body.error.message).toBe("not ready: flaky, hangs-when-unhealthy unavailable");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("/readyz stays 200 but reports degraded when only non-critical checks fail", async () => {
    const degradedApp = await startMiniApp(
      [
        createHealthEndpoints([
          { name: "always", check: async () => {} },
          {
            name: "redis",
            critical: false,
            check: async () => {
              throw new Error("down");
            },
          },
        ]),
      ],
      (_req, res) => {
        res.status(418).end();
      },
    );
    try {
      const response = await fetch(`${degradedApp.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: "degraded",
        checks: ["always", "redis"],
        degraded: ["redis"],
      });
    } finally {
      await degradedApp.close();
    }
  });

  it("other paths pass through", async () => {
    expect((await fetch(`${app.url}/healthzz`)).status).toBe(418);
    expect((await fetch(`${app.url}/api/healthz`)).status).toBe(418);
  });
});
