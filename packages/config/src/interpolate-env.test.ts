// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} references are what these tests feed in
import { describe, expect, it } from "vitest";
import { issuesOf } from "../test/fixtures.ts";
import { interpolateEnv } from "./interpolate-env.ts";
import { parseConfig } from "./parse-config.ts";

const yaml = (upstream: string) => `version: 1
routes:
  - name: users
    path: /api/users
    auth: public
    upstream: ${upstream}
`;

describe("env interpolation", () => {
  it.each([
    ["${URL}", { URL: "http://a:1" }, "http://a:1"],
    ["${URL:-http://fallback}", { URL: "http://a:1" }, "http://a:1"],
    ["${URL:-http://fallback}", {}, "http://fallback"],
    ["${URL:-http://fallback}", { URL: "" }, "http://fallback"],
    ["http://${HOST}:${PORT}", { HOST: "svc", PORT: "9000" }, "http://svc:9000"],
    ["${URL:-http://127.0.0.1:8081}", {}, "http://127.0.0.1:8081"],
  ])("%s with %j → %s", (reference, env, expected) => {
    expect(parseConfig(yaml(reference), env).routes[0]?.upstream.urls).toEqual([expected]);
  });

  it("reports a missing variable with its path and name", () => {
    expect(() => parseConfig(yaml("${DEMO_USERS_URL}"), {})).toThrow(
      "routes[0].upstream: environment variable DEMO_USERS_URL is not set (and no default is given)",
    );
  });

  it("reports every missing variable", () => {
    const doc = {
      version: 1,
      jwt: {
        issuers: [
          { name: "a", issuer: "${ISS}", jwksUrl: "${JWKS}", audiences: ["x"], algorithms: ["ES256"] },
        ],
      },
      routes: [],
    };
    expect(issuesOf(doc)).toEqual([
      "jwt.issuers[0].issuer: environment variable ISS is not set (and no default is given)",
      "jwt.issuers[0].jwksUrl: environment variable JWKS is not set (and no default is given)",
    ]);
  });

  it("substitutes into the parsed tree, so an env value cannot inject YAML", () => {
    const injected = "http://a:1\n    rewrite: /admin\n  - name: evil";
    expect(() => parseConfig(yaml("${URL}"), { URL: injected })).toThrow(
      "routes[0].upstream: must be an http(s) URL without query or fragment",
    );
    // Substituted as text, the quote would end the single-quoted scalar and break the document.
    const config = parseConfig(yaml("'${URL}'"), { URL: "http://a:1/it's" });
    expect(config.routes[0]?.upstream.urls).toEqual(["http://a:1/it's"]);
  });

  it("rejects whitespace smuggled into a URL (WHATWG parsing would silently drop it)", () => {
    expect(() => parseConfig(yaml("${URL}"), { URL: "http://a:1/x\trewrite" })).toThrow(
      "routes[0].upstream: must be an http(s) URL without query or fragment",
    );
  });

  it("does not interpolate keys, numbers or booleans, and does not re-expand values", () => {
    const result = interpolateEnv(
      { "${KEY}": "${A}", n: 1, b: true, list: ["${A}", null] },
      { A: "${B}", B: "x" },
    );
    expect(result).toEqual({ value: { "${KEY}": "${B}", n: 1, b: true, list: ["${B}", null] }, issues: [] });
  });

  it("treats $${ as a literal ${", () => {
    expect(interpolateEnv("a$${NOT_A_VAR}b", {}).value).toBe("a${NOT_A_VAR}b");
  });

  it("reports malformed references", () => {
    expect(interpolateEnv({ a: "${1BAD}" }, {}).issues).toEqual([
      { path: ["a"], message: 'invalid environment variable reference "${1BAD}"' },
    ]);
    expect(interpolateEnv({ a: "${OPEN" }, {}).issues).toEqual([
      { path: ["a"], message: 'unterminated "${" (write "$${" for a literal "${")' },
    ]);
  });

  it("leaves text without references alone", () => {
    expect(interpolateEnv("price: $5 {x}", {}).value).toBe("price: $5 {x}");
  });
});
