import { describe, expect, it } from "vitest";
import { createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { centralCompleted } from "../../../test/workerd/recording-central.ts";
import { headerBlockBytes } from "./header-limits.ts";

describe("header limits (maxHeaderBytes 8192, maxHeaderCount 50)", () => {
  it("431 headers_too_large when the header block is larger than maxHeaderBytes", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/public/x", {
      headers: { "x-request-id": "big-1", "x-filler": "a".repeat(8200) },
    });
    expect(response.status).toBe(431);
    expect(await errorOf(response)).toMatchObject({
      code: "headers_too_large",
      message: "request headers exceed 8192 bytes",
    });
    expect(await centralCompleted("big-1")).toBe(false);
  });

  it("431 when there are more headers than maxHeaderCount", async () => {
    const { app } = await createFixture();
    const headers: Record<string, string> = { "x-request-id": "many-1" };
    for (let i = 0; i < 60; i++) headers[`x-h-${i}`] = "1";
    const response = await app.request("/api/public/x", { headers });
    expect(response.status).toBe(431);
    expect((await errorOf(response)).message).toBe("more than 50 request headers");
    expect(await centralCompleted("many-1")).toBe(false);
  });

  it("lets a request just under both limits through", async () => {
    const { app } = await createFixture();
    const seen = await recorded(
      await app.request("/api/public/x", { headers: { "x-filler": "a".repeat(7000) } }),
    );
    expect(seen.headers["x-filler"]).toHaveLength(7000);
  });

  it("counts bytes as on the wire: name, colon, space, value, CRLF", () => {
    expect(headerBlockBytes(new Headers({ ab: "xyz", c: "" }))).toEqual({ bytes: 9 + 5, count: 2 });
  });
});
