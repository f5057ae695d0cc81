import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { compileCentral, compileEdge } from "../compile.ts";
import { validateConfig } from "../parse-config.ts";

function withRoute(fields: MutableDocument): MutableDocument {
  const doc = baseDocument();
  doc.routes[0] = { ...doc.routes[0], ...fields };
  return doc;
}

describe("routes[].websocket", () => {
  it("fills safe defaults and reaches both tiers", () => {
    const config = validateConfig(withRoute({ websocket: { enabled: true } }), {});
    const expected = {
      enabled: true,
      idleTimeoutSeconds: 300,
      maxLifetimeSeconds: 3600,
      maxMessageBytes: 1048576,
      maxConnections: 1000,
    };
    expect(config.routes[0]?.websocket).toEqual(expected);
    expect(compileEdge(config).routes[0]?.websocket).toEqual(expected);
    expect(compileCentral(config).routes[0]?.websocket).toEqual(expected);
    expect(compileEdge(config).routes[1]).not.toHaveProperty("websocket");
  });

  it("rejects unknown keys, missing enabled and out-of-range values with their paths", () => {
    expect(
      issuesOf(
        withRoute({
          websocket: {
            idleTimeoutSeconds: 0,
            maxLifetimeSeconds: 1.5,
            maxMessageBytes: 128 * 1024 * 1024,
            maxConnections: -1,
            ping: true,
          },
        }),
      ),
    ).toEqual([
      "routes[0].websocket.enabled: is required",
      "routes[0].websocket.idleTimeoutSeconds: must be a positive integer",
      "routes[0].websocket.maxLifetimeSeconds: must be a positive integer",
      "routes[0].websocket.maxMessageBytes: must be at most 67108864",
      "routes[0].websocket.maxConnections: must be a positive integer",
      "routes[0].websocket.ping: unknown key",
    ]);
  });

  it("needs GET, an HTTP upstream, no cache, and an idle timeout within the lifetime", () => {
    expect(
      issuesOf(
        withRoute({
          methods: ["PUT"],
          cache: {},
          websocket: { enabled: true, idleTimeoutSeconds: 60, maxLifetimeSeconds: 30 },
        }),
      ),
    ).toEqual([
      "routes[0].cache: the route's methods (PUT) exclude GET, so nothing could be cached",
      "routes[0].websocket.enabled: needs GET in the route's methods (a WebSocket handshake is a GET)",
      "routes[0].websocket.enabled: cannot be combined with cache: a handshake must always reach the service",
      "routes[0].websocket.idleTimeoutSeconds: must not exceed websocket.maxLifetimeSeconds (30)",
    ]);
    const grpc = withRoute({
      upstream: undefined,
      rewrite: undefined,
      grpc: { address: "127.0.0.1:50051", protos: ["a.proto"] },
      websocket: { enabled: true },
    });
    expect(issuesOf(grpc)).toContain(
      "routes[0].websocket.enabled: a gRPC route cannot relay WebSockets: give it an HTTP upstream",
    );
  });

  it("enabled: false is accepted and checked no further", () => {
    const config = validateConfig(withRoute({ methods: ["POST"], websocket: { enabled: false } }), {});
    expect(config.routes[0]?.websocket?.enabled).toBe(false);
  });
});
