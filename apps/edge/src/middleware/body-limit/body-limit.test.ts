import { describe, expect, it } from "vitest";
import { bearer, createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { centralCompleted } from "../../../test/workerd/recording-central.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

function streamOf(totalBytes: number, chunkBytes = 256): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
}

describe("body limit (route maxBodyBytes 1024)", () => {
  it("413 from Content-Length before anything is forwarded", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/upload", {
      method: "POST",
      headers: { ...bearer(await signToken()), "content-length": "2000", "x-request-id": "cl-413" },
      body: "x".repeat(2000),
    });
    expect(response.status).toBe(413);
    expect(await centralCompleted("cl-413")).toBe(false);
    expect(response.headers.get("proxy-status")).toBe(
      'edge; error=http_request_error; details="payload_too_large"',
    );
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });

  it("413 when a body without Content-Length streams past the limit", async () => {
    const { app } = await createFixture();
    const request = new Request("http://localhost/api/upload", {
      method: "POST",
      headers: { ...bearer(await signToken()), "x-request-id": "stream-413" },
      body: streamOf(4096),
    });
    expect(request.headers.get("content-length")).toBeNull();
    const response = await app.request(request);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
    expect(response.headers.get("proxy-status")).toBe(
      'edge; error=http_request_error; details="payload_too_large"',
    );
    // The upload was cut off, not ended: central never saw a complete (truncated) request.
    expect(await centralCompleted("stream-413")).toBe(false);
  });

  it("forwards a streamed body within the limit intact", async () => {
    const { app } = await createFixture();
    const request = new Request("http://localhost/api/upload", {
      method: "POST",
      headers: { ...bearer(await signToken()), "x-request-id": "stream-ok" },
      body: streamOf(1024, 100),
    });
    const seen = await recorded(await app.request(request));
    expect(await centralCompleted("stream-ok")).toBe(true);
    expect(seen.bodyBytes).toBe(1024);
    expect(seen.body).toBe("a".repeat(1024));
  });
});
