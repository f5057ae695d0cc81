import { acceptedRequestId, parseTraceparent, validTracestate } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("request id", () => {
  it("accepts a well-formed X-Request-ID, echoes it and forwards it", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/x", { headers: { "x-request-id": "abc.DEF_1:2-3" } });
    expect(response.headers.get("x-request-id")).toBe("abc.DEF_1:2-3");
    expect((await recorded(response)).headers["x-request-id"]).toBe("abc.DEF_1:2-3");
  });

  it("replaces a malformed or oversize one with a fresh UUID", async () => {
    const { app } = await createFixture();
    for (const sent of ["has space", "a".repeat(129), "<script>", ""]) {
      const response = await app.request("/api/public/x", { headers: { "x-request-id": sent } });
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((await recorded(response)).headers["x-request-id"]).toBe(id);
    }
  });

  it("propagates a valid traceparent (and tracestate) unchanged", async () => {
    const { app } = await createFixture();
    const valid = await recorded(
      await app.request("/api/public/x", { headers: { traceparent: TRACEPARENT, tracestate: "k=v" } }),
    );
    expect(valid.headers.traceparent).toBe(TRACEPARENT);
    expect(valid.headers.tracestate).toBe("k=v");
  });

  it("starts a new sampled trace for a missing or malformed traceparent and drops the tracestate", async () => {
    const { app } = await createFixture();
    const seen = new Set<string>();
    for (const sent of [
      undefined,
      "00-zz-00",
      `00-${"0".repeat(32)}-00f067aa0ba902b7-01`,
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    ]) {
      const headers: Record<string, string> = { tracestate: "k=v" };
      if (sent !== undefined) headers.traceparent = sent;
      const forwarded = await recorded(await app.request("/api/public/x", { headers }));
      const parsed = parseTraceparent(forwarded.headers.traceparent as string | undefined);
      expect(parsed, String(sent)).toBeDefined();
      expect(parsed?.flags).toBe("01");
      expect(parsed?.traceId).not.toBe("4bf92f3577b34da6a3ce929d0e0e4736");
      expect(forwarded.headers.tracestate).toBeUndefined();
      seen.add(parsed?.traceId as string);
    }
    expect(seen.size).toBe(4);
  });

  it("acceptedRequestId, parseTraceparent and validTracestate follow their formats", () => {
    expect(acceptedRequestId(null)).toBeUndefined();
    expect(acceptedRequestId("a".repeat(128))).toBe("a".repeat(128));
    expect(parseTraceparent(TRACEPARENT)).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      parentId: "00f067aa0ba902b7",
      flags: "01",
    });
    expect(parseTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(`00-4bf92f3577b34da6a3ce929d0e0e4736-${"0".repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBeUndefined();
    expect(parseTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).toBeUndefined();
    expect(validTracestate("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")).toBe(
      "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
    );
    expect(validTracestate("bad key=v")).toBeUndefined();
    expect(validTracestate("k=v\r\nx: y")).toBeUndefined();
  });
});
