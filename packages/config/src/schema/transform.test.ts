// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${identity.sub} templates are what these tests feed in
import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { compileCentral, compileEdge } from "../compile.ts";
import { parseConfig, validateConfig } from "../parse-config.ts";
import { parseTemplate, renderTemplate } from "../transform/template.ts";

function withRoute(fields: MutableDocument): MutableDocument {
  const doc = baseDocument();
  doc.routes[0] = { ...doc.routes[0], ...fields };
  return doc;
}

describe("transform", () => {
  it("compiles header rules (lower-case names, scalar values), query renames and the envelope for central only", () => {
    const config = validateConfig(
      withRoute({
        transform: {
          request: {
            headers: {
              set: { "X-Caller": "${identity.sub}", "X-Canary": 1 },
              add: { "X-Tags": "gw,${client.country}" },
              remove: ["X-Debug"],
            },
            query: { rename: { q: "search" }, remove: ["debug"] },
          },
          response: { headers: { remove: ["Server"], set: { "Cache-Control": "no-store" } }, envelope: true },
        },
      }),
      {},
    );
    const transform = compileCentral(config).routes[0]?.transform;
    expect(transform).toEqual({
      request: {
        headers: {
          remove: ["x-debug"],
          set: [
            { name: "x-caller", value: "${identity.sub}" },
            { name: "x-canary", value: "1" },
          ],
          add: [{ name: "x-tags", value: "gw,${client.country}" }],
        },
        query: { rename: [{ from: "q", to: "search" }], remove: ["debug"] },
      },
      response: {
        headers: { remove: ["server"], set: [{ name: "cache-control", value: "no-store" }], add: [] },
        envelope: { maxBodyBytes: 1024 * 1024 },
      },
    });
    expect(compileEdge(config).routes[0]).not.toHaveProperty("transform");
  });

  it("template variables survive the env interpolation in YAML; env references still work beside them", () => {
    const yaml = `
version: 1
routes:
  - name: r
    path: /r
    auth: public
    upstream: http://127.0.0.1:1
    transform:
      request:
        headers:
          set: { x-caller: "\${identity.sub}@\${TENANT_SUFFIX}", x-where: "\${client.country:-}" }
`;
    expect(() => parseConfig(yaml, {})).toThrow(/TENANT_SUFFIX is not set/);
    // A default belongs to env references only; the path is named.
    expect(() => parseConfig(yaml, { TENANT_SUFFIX: "acme" })).toThrow(
      'routes[0].transform.request.headers.set.x-where: invalid environment variable reference "${client.country:-}"',
    );
    const ok = parseConfig(yaml.replace(":-}", "}"), { TENANT_SUFFIX: "acme" });
    expect(ok.routes[0]?.transform?.request?.headers.set).toEqual([
      { name: "x-caller", value: "${identity.sub}@acme" },
      { name: "x-where", value: "${client.country}" },
    ]);
  });

  it("refuses, with the path, unknown variables, variables in response headers and bad names or values", () => {
    expect(
      issuesOf(
        withRoute({
          transform: {
            request: {
              headers: { set: { "X-A": "${identity.email}", "Bad Header": "x", "X-B": "a\r\nb" } },
              query: { rename: { q: "search" }, remove: ["q", "a&b"] },
            },
            response: { headers: { add: { "X-Who": "${identity.sub}" } }, envelope: { maxBodyBytes: 0 } },
          },
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^routes\[0\]\.transform\.request\.headers\.set\.X-A: unknown variable "\$\{identity\.email\}"/,
      ),
      `routes[0].transform.request.headers.set["Bad Header"]: is not an HTTP header name`,
      "routes[0].transform.request.headers.set.X-B: must be at most 4096 characters without control characters (no CR, LF or NUL)",
      'routes[0].transform.request.query.remove[1]: must not contain spaces, "&", "=" or "#"',
      "routes[0].transform.request.query.rename.q: is also listed in remove",
      "routes[0].transform.response.headers.add.X-Who: response header values are literal: variables like ${identity.sub} are only available in request headers",
      "routes[0].transform.response.envelope.maxBodyBytes: must be a positive integer",
    ]);
  });

  it("refuses rules on identity, trust, hop-by-hop and framing headers, and Host", () => {
    const issues = issuesOf(
      withRoute({
        transform: {
          request: {
            headers: {
              set: {
                Host: "evil",
                "X-Gateway-Identity": "t",
                "X-User-Id": "root",
                "X-Forwarded-For": "1.2.3.4",
                "X-Request-Id": "r",
                Connection: "close",
              },
              add: { "X-Consumer-Id": "${identity.sub}" },
              remove: ["x-gateway-variant", "transfer-encoding"],
            },
          },
          response: {
            headers: { set: { "Content-Length": "1", "Proxy-Status": "x" }, remove: ["x-request-id"] },
          },
        },
      }),
    );
    const paths = issues.map((issue) => issue.slice(0, issue.indexOf(":")));
    expect(paths).toEqual([
      "routes[0].transform.request.headers.remove[0]",
      "routes[0].transform.request.headers.remove[1]",
      "routes[0].transform.request.headers.set.Host",
      "routes[0].transform.request.headers.set.X-Gateway-Identity",
      "routes[0].transform.request.headers.set.X-User-Id",
      "routes[0].transform.request.headers.set.X-Forwarded-For",
      "routes[0].transform.request.headers.set.X-Request-Id",
      "routes[0].transform.request.headers.set.Connection",
      "routes[0].transform.request.headers.add.X-Consumer-Id",
      "routes[0].transform.response.headers.remove[0]",
      "routes[0].transform.response.headers.set.Content-Length",
      "routes[0].transform.response.headers.set.Proxy-Status",
    ]);
    expect(issues[2]).toBe(
      "routes[0].transform.request.headers.set.Host: cannot be set by a rule: Host is set by the gateway from the upstream URL",
    );
    expect(issues[3]).toMatch(/identity or gateway header: only the gateway sets it/);
    // Other proxies' identity headers follow identity.stripHeaders.
    expect(
      issuesOf(withRoute({ transform: { request: { headers: { set: { "Remote-User": "admin" } } } } })),
    ).toEqual([
      "routes[0].transform.request.headers.set.remote-user: cannot be set by a rule: is an identity header other proxies set (identity.stripHeaders): services may trust it",
    ]);
    const custom = withRoute({ transform: { request: { headers: { remove: ["x-sso-user"] } } } });
    custom.identity = { stripHeaders: ["default", "x-sso-*"] };
    expect(issuesOf(custom)).toEqual([
      "routes[0].transform.request.headers.remove[0]: x-sso-user cannot be removed by a rule: is an identity header other proxies set (identity.stripHeaders): services may trust it",
    ]);
  });

  it("refuses the envelope on a cached route and any transform on a grpc route", () => {
    expect(issuesOf(withRoute({ cache: {}, transform: { response: { envelope: true } } }))).toEqual([
      "routes[0].transform.response.envelope: cannot be combined with cache: the envelope carries each request's id, a cached copy would carry another request's",
    ]);
    const off = withRoute({ cache: { enabled: false }, transform: { response: { envelope: true } } });
    expect(validateConfig(off, {}).routes[0]?.transform?.response?.envelope).toEqual({
      maxBodyBytes: 1048576,
    });
    const grpc = withRoute({ transform: {}, split: { variants: [stable, { ...stable, name: "b" }] } });
    delete grpc.routes[0].upstream;
    delete grpc.routes[0].rewrite;
    grpc.routes[0].grpc = { address: "127.0.0.1:50051", protos: ["x.proto"] };
    expect(issuesOf(grpc)).toEqual([
      "routes[0].transform: does not apply to a grpc route (pass client headers with grpc.forwardHeaders)",
      "routes[0].split: does not apply to a grpc route",
    ]);
  });

  it("parses and renders templates", () => {
    const parsed = parseTemplate("u=${identity.sub};c=${client.country}!");
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(renderTemplate(parsed.parts, (name) => (name === "identity.sub" ? "alice" : undefined))).toBe(
      "u=alice;c=!",
    );
    expect(parseTemplate("${identity.sub")).toEqual({
      ok: false,
      reason: 'unterminated "${" in "${identity.sub"',
    });
  });
});

const stable = { name: "stable", upstream: "http://127.0.0.1:8081", weight: 95 };

describe("split", () => {
  const canary = {
    name: "canary",
    upstream: { urls: ["http://127.0.0.1:8082", "http://127.0.0.1:8083"] },
    weight: 5,
    match: { headers: { "X-Canary": 1 }, cookies: { canary: "yes" }, countries: ["de"], continents: ["OC"] },
  };

  it("compiles variants (upstream pools, weights, match rules) for central only", () => {
    const doc = withRoute({ split: { variants: [stable, canary], sticky: "consumer" } });
    delete doc.routes[0].upstream;
    const config = validateConfig(doc, {});
    const route = compileCentral(config).routes[0];
    expect(route?.upstream.urls).toEqual([]);
    expect(route?.split?.sticky).toBe("consumer");
    expect(route?.split?.variants.map((v) => [v.name, v.weight, v.upstream.urls])).toEqual([
      ["stable", 95, ["http://127.0.0.1:8081"]],
      ["canary", 5, ["http://127.0.0.1:8082", "http://127.0.0.1:8083"]],
    ]);
    expect(route?.split?.variants[1]?.match).toEqual({
      headers: [{ name: "x-canary", value: "1" }],
      cookies: [{ name: "canary", value: "yes" }],
      countries: ["DE"],
      continents: ["OC"],
    });
    expect(compileEdge(config).routes[0]).not.toHaveProperty("split");
  });

  it("refuses, with the path, bad variants, weights, match rules and combinations", () => {
    const doc = withRoute({
      cache: {},
      split: {
        variants: [
          { ...stable, weight: 0 },
          { ...canary, name: "stable", weight: 0, match: {} },
          {
            name: "x",
            upstream: "ftp://nope",
            match: { headers: { "X-User-Id": "1" }, countries: ["Germany"] },
          },
        ],
        sticky: "cookie",
      },
    });
    expect(issuesOf(doc)).toEqual([
      "routes[0].split.variants[1].match: must name at least one header, cookie, country or continent",
      expect.stringMatching(/^routes\[0\]\.split\.variants\[2\]\.upstream: /),
      "routes[0].split.variants[2].match.headers.X-User-Id: cannot be matched by a rule: is an identity or gateway header: only the gateway sets it, from the verified identity, so clients cannot send it",
      'routes[0].split.variants[2].match.countries[0]: must be a two-letter ISO 3166-1 country code like "DE"',
      'routes[0].split.sticky: must be one of none, consumer, client_ip (got "cookie")',
    ]);
    const semantic = withRoute({
      cache: {},
      split: {
        variants: [
          { ...stable, weight: 0 },
          { ...canary, name: "stable", weight: 0, match: { headers: { "Remote-User": "1" } } },
        ],
      },
    });
    expect(issuesOf(semantic)).toEqual([
      'routes[0].split.variants[1].name: duplicate variant name "stable" (also at variants[0])',
      "routes[0].split.variants: at least one variant needs a weight above 0 (it takes the requests no match rule picks)",
    ]);
    semantic.routes[0].split.variants[0].weight = 1;
    semantic.routes[0].split.variants[1].name = "canary";
    expect(issuesOf(semantic)).toEqual([
      "routes[0].split.variants[1].match.headers.remote-user: cannot be matched: is an identity header other proxies set (identity.stripHeaders): services may trust it, and clients' copies are removed",
      "routes[0].split: a route has either upstream or split, not both",
      "routes[0].cache: cannot be combined with split: the edge cache would serve one variant's response to every client",
    ]);
  });
});
