// HEAD is served wherever GET is (RFC 9110 §9.3.2): a route configured with GET
// only accepts HEAD, and the service receives HEAD, not GET.
import { IDENTITY_HEADER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import type { CentralUnderTest } from "./support/harness.ts";
import { nodeRequest } from "./support/node-request.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

describe("HEAD", () => {
  it("is allowed on a GET-only route and reaches the service as HEAD, with GET's headers and no body", async () => {
    expect(central.config.routes.find((route) => route.name === "public")?.methods).toEqual(["GET", "HEAD"]);
    upstream.respondWith((_req, res) => {
      res.setHeader("content-type", "text/plain");
      res.setHeader("x-service", "demo");
      res.end("hello");
    });
    try {
      const target = "/api/public/hello";
      const response = await nodeRequest(central.url + target, {
        method: "HEAD",
        headers: { [IDENTITY_HEADER]: await central.mint("HEAD", target, { auth: "anonymous" }) },
      });
      expect(response.status).toBe(200);
      expect(response.headers["x-service"]).toBe("demo");
      expect(response.body).toBe("");
      expect(upstream.requests.at(-1)?.method).toBe("HEAD");
    } finally {
      upstream.respondWith((req, res) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ method: req.method, url: req.url }));
      });
    }
  });

  it("405 on a route without GET still lists only what the route allows", async () => {
    const target = "/api/small";
    const response = await nodeRequest(central.url + target, {
      method: "HEAD",
      headers: { [IDENTITY_HEADER]: await central.mint("HEAD", target) },
    });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("POST, PUT");
  });
});
