import { fileURLToPath } from "node:url";
import type { RouteConfig } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { loadRouteSchemas } from "../src/check.ts";
import { buildGrpcSchema } from "../src/schema.ts";

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const FIXTURES = fileURLToPath(new URL("fixtures", import.meta.url));

function problems(file: string, services: string[] = []): string[] {
  const result = buildGrpcSchema({ protos: [fixture(file)], includeDirs: [FIXTURES], services });
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}

describe("buildGrpcSchema", () => {
  it("turns every rule of the selected services into bindings; imports resolve through includeDirs", () => {
    const result = buildGrpcSchema({
      protos: [fixture("good.proto")],
      includeDirs: [FIXTURES],
      services: [],
    });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const bindings = result.schema.bindings.map(
      (b) => `${b.grpc.fullName} ${b.httpMethod} ${b.template.source}`,
    );
    expect(bindings).toEqual([
      "good.v1.Things.Get GET /v1/things/{ref.id}",
      "good.v1.Things.Get GET /v1/{name=boxes/*/things/*}",
      "good.v1.Things.Upload POST /v1/things:upload",
      "good.v1.Other.Ping HEAD /v1/ping",
    ]);
    expect(result.schema.clientStreaming).toEqual(["good.v1.Things.Upload"]);
    expect(result.schema.bindings[0]?.grpc.path).toBe("/good.v1.Things/Get");
  });

  it("services: only the listed ones", () => {
    const result = buildGrpcSchema({
      protos: [fixture("good.proto")],
      includeDirs: [FIXTURES],
      services: ["good.v1.Other"],
    });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.schema.bindings.map((b) => b.grpc.fullName)).toEqual(["good.v1.Other.Ping"]);
  });

  it("names the method and the reason for every rule that cannot be honoured, and reports collisions", () => {
    expect(problems("bad.proto")).toEqual([
      'bad.v1.Bad.UnknownField: get "/v1/a/{nope}": path variable: no field "nope" in bad.v1.Req',
      'bad.v1.Bad.RepeatedVar: get "/v1/b/{tags}": path variable "tags" is a repeated field',
      'bad.v1.Bad.MessageVar: get "/v1/c/{inner}": path variable "inner" is a message, not a scalar field',
      'bad.v1.Bad.ThroughRepeated: get "/v1/d/{items.id}": path variable: "items" is a repeated field',
      'bad.v1.Bad.BadTemplate: get "/v1/**/e": invalid path template: "**" must be the last segment',
      'bad.v1.Bad.BodyMissing: post "/v1/f": body: no top-level field "nothing" in bad.v1.Req',
      'bad.v1.Bad.GetWithBody: get "/v1/g": a GET rule cannot have a body',
      'bad.v1.Bad.ResponseBodyMissing: get "/v1/h": response_body: no top-level field "nothing" in bad.v1.Res',
      'bad.v1.Bad.BodyAlsoInPath: post "/v1/i/{id}": body field "id" is also bound by the path',
      'bad.v1.Bad.CollidesB: get "/v1/same/{name}" collides with bad.v1.Bad.CollidesA: get "/v1/same/{id}" (they match the same paths)',
    ]);
  });

  it("an unknown service, a missing import, a syntax error, a missing file", () => {
    expect(problems("good.proto", ["good.v1.Nope"])).toEqual([
      'no service "good.v1.Nope" in the protos (found: good.v1.Things, good.v1.Other)',
    ]);
    expect(problems("missing-import.proto")[0]).toMatch(
      /^cannot find import does\/not\/exist\.proto \(imported by .*missing-import\.proto\)/,
    );
    expect(problems("syntax-error.proto")[0]).toMatch(/syntax-error\.proto.*line 3/);
    expect(problems("nope.proto")[0]).toMatch(/nope\.proto: file not found/);
  });
});

describe("loadRouteSchemas", () => {
  const route = (
    name: string,
    grpc: Partial<NonNullable<RouteConfig["grpc"]>>,
    methods: RouteConfig["methods"] = ["GET", "POST", "HEAD"],
  ) =>
    ({
      name,
      path: `/${name}`,
      methods,
      upstream: { urls: [] },
      grpc: {
        address: "127.0.0.1:1",
        tls: false,
        protos: [],
        includeDirs: [FIXTURES],
        services: [],
        streamFormat: "ndjson",
        forwardHeaders: [],
        ...grpc,
      },
    }) as unknown as RouteConfig;

  it("prefixes each problem with the route's place in the config; skips HTTP routes", () => {
    const { schemas, problems: found } = loadRouteSchemas([
      { name: "http", path: "/http", upstream: { urls: ["http://x"] } } as unknown as RouteConfig,
      route("ok", { protos: [fixture("good.proto")] }),
      route("broken", { protos: [fixture("missing-import.proto")] }),
    ]);
    expect([...schemas.keys()]).toEqual(["ok"]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^routes\[2\]\.grpc \(route "broken"\): cannot find import/);
  });

  it("a rule whose HTTP method the route does not allow is unreachable", () => {
    const { problems: found } = loadRouteSchemas([
      route("get-only", { protos: [fixture("good.proto")] }, ["GET"]),
    ]);
    expect(found).toEqual([
      'routes[0].grpc (route "get-only"): good.v1.Things.Upload: post "/v1/things:upload" is unreachable: the route allows only GET',
      'routes[0].grpc (route "get-only"): good.v1.Other.Ping: head "/v1/ping" is unreachable: the route allows only GET',
    ]);
  });
});
