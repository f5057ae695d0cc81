import { describe, expect, it } from "vitest";
import { createFixture } from "../../../test/workerd/edge-fixture.ts";
import type { EdgeAccessLogEntry } from "./access-log.ts";

describe("access log", () => {
  it("writes one entry per request with request id, route, status and latency, and no query", async () => {
    const entries: EdgeAccessLogEntry[] = [];
    const { app } = await createFixture({ deps: { log: (entry) => entries.push(entry) } });
    const response = await app.request("/api/public/items?secret=s3cr3t", {
      headers: { "x-request-id": "log-test-1" },
    });
    expect(response.status).toBe(200);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      tier: "edge",
      requestId: "log-test-1",
      method: "GET",
      path: "/api/public/items",
      route: "public",
      status: 200,
      consumer: "anonymous",
      level: "info",
    });
    expect(entries[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(entries)).not.toContain("s3cr3t");
  });

  it("logs gateway errors as warnings without a route", async () => {
    const entries: EdgeAccessLogEntry[] = [];
    const { app } = await createFixture({ deps: { log: (entry) => entries.push(entry) } });
    const response = await app.request("/nowhere");
    expect(response.status).toBe(404);
    expect(entries[0]).toMatchObject({ status: 404, level: "warn", route: undefined });
  });
});
