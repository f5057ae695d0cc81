import { describe, expect, it } from "vitest";
import { deltaSeconds, fieldNames, parseCacheControl } from "./cache-control.ts";
import { parseHttpDate } from "./http-date.ts";
import { ageValue } from "./policy.ts";
import { singleRange } from "./range.ts";
import { targetedDirectives } from "./targeted.ts";

describe("edge cache parsing", () => {
  it("parses Cache-Control as RFC 9111 §5.2 does", () => {
    const cc = parseCacheControl('Max-Age=60, private="a, B", no-cache, max-age=0, x-ext="q\\"x"');
    expect(cc.get("max-age")).toBe("60");
    expect(fieldNames(cc.get("private"))).toEqual(["a", "b"]);
    expect(cc.get("no-cache")).toBe(true);
    expect(cc.get("x-ext")).toBe('q"x');
    expect(deltaSeconds("003600")).toBe(3600);
    expect(deltaSeconds("-1")).toBeUndefined();
    expect(deltaSeconds("'60'")).toBeUndefined();
    expect(deltaSeconds("99999999999")).toBe(2 ** 31);
  });

  it("accepts only the three HTTP-date formats", () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(expected);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(expected);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(expected);
    for (const invalid of [
      "0",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 06 Nov 1994 08:49:37 +1000",
      "Sun 06 Nov 1994 08:49:37 GMT",
      "Sun, 06  Nov 1994 08:49:37 GMT",
      "Sun, 06-Nov-1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08.49.37 GMT",
      "Sun, 06 Nov 1994 8:49:37 GMT",
      "Sun, 31 Feb 1994 08:49:37 GMT",
      "sun, 06 nov 1994 08:49:37 gmt",
    ]) {
      expect(parseHttpDate(invalid), invalid).toBeUndefined();
    }
  });

  it("reads Age from its first value only when it is a non-negative integer", () => {
    expect(ageValue("10")).toBe(10);
    expect(ageValue("0, old")).toBe(0);
    expect(ageValue("1.5")).toBe(0);
    expect(ageValue("-3")).toBe(0);
    expect(ageValue("2147483649")).toBe(2 ** 31);
  });

  it("reads targeted fields as Structured Field Dictionaries and ignores invalid ones", () => {
    expect(targetedDirectives(new Headers({ "cdn-cache-control": "max-age=60, stale-if-error=5" }))).toEqual(
      new Map([
        ["max-age", "60"],
        ["stale-if-error", "5"],
      ]),
    );
    expect(targetedDirectives(new Headers({ "cdn-cache-control": 'max-age="60"' }))).toBeUndefined();
    expect(targetedDirectives(new Headers({ "cdn-cache-control": "max-age=60, &&" }))).toBeUndefined();
    const both = new Headers({
      "cdn-cache-control": "max-age=60",
      "cloudflare-cdn-cache-control": "no-store",
    });
    expect(targetedDirectives(both)?.has("no-store")).toBe(true);
  });

  it("takes single byte ranges only", () => {
    expect(singleRange("bytes=0-1", 10)).toEqual({ start: 0, end: 1 });
    expect(singleRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 });
    expect(singleRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(singleRange("bytes=8-100", 10)).toEqual({ start: 8, end: 9 });
    expect(singleRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(singleRange("bytes=0-1,3-4", 10)).toBeUndefined();
    expect(singleRange("items=0-1", 10)).toBeUndefined();
    expect(singleRange("bytes=3-1", 10)).toBeUndefined();
  });
});
