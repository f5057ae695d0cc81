import { ACCESS_LOG_FIELDS } from "@gateway/types";
import { describe, expect, inject, it, vi } from "vitest";
import { bearer, createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { consoleLogSink, type EdgeAccessLogEntry } from "./access-log.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("access log", () => {
  it("writes one entry per request with every shared field, the trace id, and credential query values redacted", async () => {
    const entries: EdgeAccessLogEntry[] = [];
    const { app } = await createFixture({ deps: { log: (entry) => entries.push(entry) } });
    const response = await app.request("/api/public/items?secret=s3cr3t&page=2", {
      headers: { "x-request-id": "log-test-1", traceparent: TRACEPARENT },
    });
    expect(response.status).toBe(200);
    expect(entries).toHaveLength(1);
    const entry = entries[0] as EdgeAccessLogEntry;
    for (const field of ACCESS_LOG_FIELDS) expect(entry, field).toHaveProperty(field);
    expect(entry).toMatchObject({
      tier: "edge",
      requestId: "log-test-1",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      method: "GET",
      path: "/api/public/items?secret=[REDACTED]&page=2",
      route: "public",
      status: 200,
      consumer: "anonymous",
      level: "info",
      upstream: inject("servers").centralOrigin,
      cache: null,
      breaker: null,
    });
    expect(entry.latencyMs).toBeGreaterThanOrEqual(0);
    expect(entry.upstreamLatencyMs).toBeGreaterThanOrEqual(0);
    expect(new Date(entry.ts).toISOString()).toBe(entry.ts);
    expect(JSON.stringify(entries)).not.toContain("s3cr3t");
  });

  it("logs gateway errors as warnings without a route or upstream, with the trace id it started", async () => {
    const entries: EdgeAccessLogEntry[] = [];
    const { app } = await createFixture({ deps: { log: (entry) => entries.push(entry) } });
    const response = await app.request("/nowhere?token=abc");
    expect(response.status).toBe(404);
    expect(entries[0]).toMatchObject({
      status: 404,
      level: "warn",
      route: null,
      upstream: null,
      upstreamLatencyMs: null,
      path: "/nowhere?token=[REDACTED]",
    });
    expect(entries[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("never logs credentials: Authorization, API keys (header, bearer, query), cookies, identity tokens", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      const { app } = await createFixture({ deps: { log: consoleLogSink } });
      const jwt = await signToken();
      const forwarded = await recorded(
        await app.request("/api/items/1?access_token=tok-in-query", {
          headers: { ...bearer(jwt), cookie: "session=cookie-secret" },
        }),
      );
      const apiKey = "gw_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijk";
      await app.request(`/api/keys/me?api_key=${apiKey}`);
      await app.request("/api/keys/me", { headers: { "x-api-key": `${apiKey}-header` } });
      await app.request("/api/keys/me", { headers: { authorization: `Bearer ${apiKey}-bearer` } });
      expect(lines).toHaveLength(4);
      const text = lines.join("\n");
      const identityToken = forwarded.headers["x-gateway-identity"] as string;
      expect(identityToken.length).toBeGreaterThan(20);
      for (const secret of [jwt, apiKey, "tok-in-query", "cookie-secret", identityToken])
        expect(text).not.toContain(secret);
      expect(text).toContain("access_token=[REDACTED]");
      for (const line of lines)
        expect(Object.keys(JSON.parse(line))).toEqual(expect.arrayContaining([...ACCESS_LOG_FIELDS]));
    } finally {
      spy.mockRestore();
    }
  });
});
