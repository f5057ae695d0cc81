import { acceptedRequestId } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";
import { validTraceparent } from "./traceparent.ts";

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

  it("propagates a valid traceparent (and tracestate) and drops an invalid one", async () => {
    const { app } = await createFixture();
    const valid = await recorded(
      await app.request("/api/public/x", { headers: { traceparent: TRACEPARENT, tracestate: "k=v" } }),
    );
    expect(valid.headers.traceparent).toBe(TRACEPARENT);
    expect(valid.headers.tracestate).toBe("k=v");
    const invalid = await recorded(
      await app.request("/api/public/x", { headers: { traceparent: "00-zz-00", tracestate: "k=v" } }),
    );
    expect(invalid.headers.traceparent).toBeUndefined();
    expect(invalid.headers.tracestate).toBeUndefined();
  });

  it("acceptedRequestId and validTraceparent follow their formats", () => {
    expect(acceptedRequestId(null)).toBeUndefined();
    expect(acceptedRequestId("a".repeat(128))).toBe("a".repeat(128));
    expect(validTraceparent(TRACEPARENT)).toBe(TRACEPARENT);
    expect(validTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(validTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBeUndefined();
  });
});
