import { describe, expect, it } from "vitest";
import { createTemplateMatcher, matchTemplate } from "./matcher.ts";
import { parseTemplate } from "./template.ts";

const vars = (template: string, path: string) => {
  const result = matchTemplate(parseTemplate(template), path);
  return result === undefined ? undefined : Object.fromEntries(result);
};

describe("matchTemplate", () => {
  it("literals match exactly, segment by segment", () => {
    expect(vars("/v1/orders", "/v1/orders")).toEqual({});
    expect(vars("/v1/orders", "/v1/orders/")).toBeUndefined();
    expect(vars("/v1/orders", "/v1/order")).toBeUndefined();
    expect(vars("/v1/orders", "/v1")).toBeUndefined();
  });

  it("{x} is one non-empty segment, fully percent-decoded", () => {
    expect(vars("/v1/{id}", "/v1/a%20b%C3%A9")).toEqual({ id: "a bé" });
    expect(vars("/v1/{id}", "/v1/a/b")).toBeUndefined();
    expect(vars("/v1/{id}", "/v1/")).toBeUndefined();
    expect(vars("/v1/{id}", "/v1/%E0%A4%A")).toBeUndefined();
  });

  it("multi-segment variables keep their slashes; each segment is decoded", () => {
    expect(vars("/v1/{name=shelves/*/books/*}", "/v1/shelves/s%201/books/b")).toEqual({
      name: "shelves/s 1/books/b",
    });
    expect(vars("/v1/{name=shelves/*/books/*}", "/v1/shelves/s/novels/b")).toBeUndefined();
    expect(vars("/f/{path=**}", "/f/a/b%3Fc/d")).toEqual({ path: "a/b?c/d" });
    expect(vars("/f/{path=**}", "/f")).toEqual({ path: "" });
    expect(vars("/f/{prefix=p/**}", "/f/p/x/y")).toEqual({ prefix: "p/x/y" });
  });

  it("verbs: the last segment must end with :verb, which is not part of the variable", () => {
    expect(vars("/v1/{id}:cancel", "/v1/o-1:cancel")).toEqual({ id: "o-1" });
    expect(vars("/v1/{id}:cancel", "/v1/o-1")).toBeUndefined();
    expect(vars("/v1/orders:watch", "/v1/orders:watch")).toEqual({});
    expect(vars("/v1/{name=**}:undelete", "/v1/a/b:undelete")).toEqual({ name: "a/b" });
    // Without a verb in the template, a colon is ordinary segment text.
    expect(vars("/v1/{id}", "/v1/o-1:cancel")).toEqual({ id: "o-1:cancel" });
  });

  it("nested field paths are reported by their dotted name", () => {
    expect(vars("/v1/{a.b.c}/x", "/v1/val/x")).toEqual({ "a.b.c": "val" });
  });

  it("the root template", () => {
    expect(vars("/", "/")).toEqual({});
    expect(vars("/", "")).toEqual({});
  });
});

describe("createTemplateMatcher", () => {
  const entry = (method: string, template: string) => ({
    method,
    template: parseTemplate(template),
    value: `${method} ${template}`,
  });
  const matcher = createTemplateMatcher([
    entry("GET", "/v1/{name=**}"),
    entry("GET", "/v1/orders/{id}"),
    entry("GET", "/v1/orders/special"),
    entry("POST", "/v1/orders/{id}:cancel"),
    entry("PATCH", "/v1/orders/{id}"),
    entry("GET", "/v1/orders:watch"),
  ]);
  const value = (method: string, path: string) => {
    const result = matcher.match(method, path);
    return result.kind === "match" ? result.value : result.kind;
  };

  it("the most specific template wins: literal over * over **, a verb over none", () => {
    expect(value("GET", "/v1/orders/special")).toBe("GET /v1/orders/special");
    expect(value("GET", "/v1/orders/o-1")).toBe("GET /v1/orders/{id}");
    expect(value("GET", "/v1/anything/else")).toBe("GET /v1/{name=**}");
    expect(value("POST", "/v1/orders/o-1:cancel")).toBe("POST /v1/orders/{id}:cancel");
    expect(value("GET", "/v1/orders:watch")).toBe("GET /v1/orders:watch");
  });

  it("a path matched only by other methods is method_not_allowed with those methods", () => {
    expect(matcher.match("DELETE", "/v1/orders/o-1")).toEqual({
      kind: "method_not_allowed",
      allowed: ["GET", "PATCH"],
    });
    expect(matcher.match("GET", "/v2/x")).toEqual({ kind: "none" });
  });
});
