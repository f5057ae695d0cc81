import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { compileCentral, compileEdge } from "../compile.ts";
import { validateConfig } from "../parse-config.ts";

function withGrpcRoute(grpc: Record<string, unknown>, extra: Record<string, unknown> = {}): MutableDocument {
  const doc = baseDocument();
  doc.routes.push({ name: "orders", path: "/api/orders", grpc, ...extra });
  return doc;
}

describe("schema: gRPC routes", () => {
  it("fills the defaults; the route has no HTTP upstream", () => {
    const config = validateConfig(
      withGrpcRoute({ address: "127.0.0.1:50051", protos: ["orders.proto"] }),
      {},
    );
    const route = config.routes.at(-1);
    expect(route?.upstream).toEqual({ urls: [] });
    expect(route?.grpc).toEqual({
      address: "127.0.0.1:50051",
      tls: false,
      protos: ["orders.proto"],
      includeDirs: [],
      services: [],
      streamFormat: "ndjson",
      forwardHeaders: [],
    });
  });

  it("central keeps grpc; the edge never sees it", () => {
    const config = validateConfig(
      withGrpcRoute({ address: "orders.internal:443", tls: true, protos: ["a.proto"] }),
      {},
    );
    expect(compileCentral(config).routes.at(-1)?.grpc).toMatchObject({
      address: "orders.internal:443",
      tls: true,
    });
    expect(compileEdge(config).routes.at(-1)).not.toHaveProperty("grpc");
  });

  const cases: Array<[string, MutableDocument, string[]]> = [
    [
      "both upstream and grpc",
      withGrpcRoute({ address: "127.0.0.1:1", protos: ["a.proto"] }, { upstream: "http://127.0.0.1:2" }),
      ["routes[2].grpc: a route has either upstream or grpc, not both"],
    ],
    ["neither", withGrpcRoute(undefined as never), ["routes[2].upstream: is required"]],
    [
      "rewrite",
      withGrpcRoute({ address: "127.0.0.1:1", protos: ["a.proto"] }, { rewrite: "/x" }),
      ["routes[2].rewrite: does not apply to a grpc route (its paths come from google.api.http rules)"],
    ],
    [
      "bad address",
      withGrpcRoute({ address: "http://127.0.0.1:1", protos: ["a.proto"] }),
      ['routes[2].grpc.address: must be "host:port" (e.g. "127.0.0.1:50051")'],
    ],
    [
      "port out of range",
      withGrpcRoute({ address: "127.0.0.1:70000", protos: ["a.proto"] }),
      ['routes[2].grpc.address: must be "host:port" (e.g. "127.0.0.1:50051")'],
    ],
    [
      "no protos",
      withGrpcRoute({ address: "h:1", protos: [] }),
      ["routes[2].grpc.protos: must list at least one .proto file"],
    ],
    [
      "unknown key",
      withGrpcRoute({ address: "h:1", protos: ["a"], proto: "b" }),
      ["routes[2].grpc.proto: unknown key"],
    ],
    [
      "bad service name",
      withGrpcRoute({ address: "h:1", protos: ["a"], services: ["orders/v1"] }),
      ['routes[2].grpc.services[0]: must be a fully qualified service name ("package.Service")'],
    ],
    [
      "forwarded header not x-",
      withGrpcRoute({ address: "h:1", protos: ["a"], forwardHeaders: ["authorization"] }),
      ['routes[2].grpc.forwardHeaders[0]: must be a lower-case header name starting with "x-"'],
    ],
    [
      "stream format",
      withGrpcRoute({ address: "h:1", protos: ["a"], streamFormat: "sse" }),
      ['routes[2].grpc.streamFormat: must be one of ndjson, json_array (got "sse")'],
    ],
  ];
  it.each(cases)("%s", (_title, doc, expected) => {
    if (doc.routes[2].grpc === undefined) delete doc.routes[2].grpc;
    expect(issuesOf(doc)).toEqual(expected);
  });
});
