import { describe, expect, it } from "vitest";
import { createFixture, errorOf } from "../../../test/workerd/edge-fixture.ts";
import { centralCompleted } from "../../../test/workerd/recording-central.ts";

describe("framing checks", () => {
  for (const host of ["127.0.0.1, evil.example", "evil.example/path", "a b", ""]) {
    it(`400 bad_request for Host ${JSON.stringify(host)}, never forwarded`, async () => {
      const { app } = await createFixture();
      const requestId = `host-${host.replace(/\W+/g, "-")}`;
      const response = await app.request("http://127.0.0.1/api/public/host", {
        headers: { host, "x-request-id": requestId },
      });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: "bad_request" });
      expect(await centralCompleted(requestId)).toBe(false);
    });
  }

  it("a Host with a port or an IPv6 literal passes", async () => {
    const { app } = await createFixture();
    for (const host of ["api.example.com:8443", "[::1]:8787", "127.0.0.1"]) {
      const response = await app.request("http://127.0.0.1/health", { headers: { host } });
      expect(response.status).toBe(200);
    }
  });

  it("400 for Content-Length together with Transfer-Encoding", async () => {
    const { app } = await createFixture();
    const response = await app.request("http://127.0.0.1/api/public/clte", {
      method: "POST",
      headers: { "content-length": "5", "transfer-encoding": "chunked", "x-request-id": "clte-1" },
      body: "hello",
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "bad_request" });
    expect(await centralCompleted("clte-1")).toBe(false);
  });
});
