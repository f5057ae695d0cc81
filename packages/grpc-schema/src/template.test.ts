import { describe, expect, it } from "vitest";
import { parseTemplate, templateShape } from "./template.ts";

describe("parseTemplate", () => {
  it("literal segments", () => {
    expect(parseTemplate("/v1/orders")).toEqual({
      source: "/v1/orders",
      segments: [
        { kind: "literal", value: "v1" },
        { kind: "literal", value: "orders" },
      ],
      variables: [],
    });
  });

  it("{field} is {field=*}", () => {
    const template = parseTemplate("/v1/orders/{id}");
    expect(template.segments[2]).toEqual({ kind: "wildcard" });
    expect(template.variables).toEqual([{ fieldPath: ["id"], start: 2, end: 3 }]);
  });

  it("nested field paths", () => {
    expect(parseTemplate("/v1/{a.b.c}").variables).toEqual([
      { fieldPath: ["a", "b", "c"], start: 1, end: 2 },
    ]);
  });

  it("{field=segments/*/more/*} spans several segments", () => {
    const template = parseTemplate("/v1/{name=shelves/*/books/*}");
    expect(template.variables).toEqual([{ fieldPath: ["name"], start: 1, end: 5 }]);
    expect(templateShape(template)).toBe("/=v1/=shelves/*/=books/*");
  });

  it("{path=**} and a bare ** as the last segment", () => {
    expect(parseTemplate("/files/{path=**}").segments.at(-1)).toEqual({ kind: "deep" });
    expect(parseTemplate("/files/**").variables).toEqual([]);
  });

  it("custom verbs, also after a variable and after **", () => {
    expect(parseTemplate("/v1/orders/{id}:cancel").verb).toBe("cancel");
    expect(parseTemplate("/v1/orders:batchGet").segments).toEqual([
      { kind: "literal", value: "v1" },
      { kind: "literal", value: "orders" },
    ]);
    expect(parseTemplate("/v1/{name=**}:undelete").verb).toBe("undelete");
  });

  it("a colon inside a variable pattern is not a verb", () => {
    expect(() => parseTemplate("/v1/{name=a:b}")).toThrow(/invalid literal segment "a:b"/);
  });

  it.each([
    ["v1/orders", /must start with \//],
    ["/v1//orders", /empty segment/],
    ["/v1/{id", /unbalanced braces/],
    ["/v1/{a={b}}", /nested braces/],
    ["/v1/**/x", /"\*\*" must be the last segment/],
    ["/v1/{1abc}", /is not a field path/],
    ["/v1/{a.}", /is not a field path/],
    ["/v1/{id}/{id}", /bound twice/],
    ["/v1/{id=}", /empty pattern/],
    ["/v1/a%2Fb", /invalid literal/],
    ["/v1/x:", /invalid verb/],
    ["/v1/o?x=1", /invalid literal/],
  ])("rejects %s", (source, message) => {
    expect(() => parseTemplate(source)).toThrow(message);
  });

  it("the shape ignores variable names, so {id} and {name} collide", () => {
    expect(templateShape(parseTemplate("/v1/{id}"))).toBe(templateShape(parseTemplate("/v1/{name}")));
    expect(templateShape(parseTemplate("/v1/{id}"))).not.toBe(templateShape(parseTemplate("/v1/{id}:x")));
  });
});
