import { describe, expect, it } from "vitest";
import { connectionHeaderNames, IDENTITY_HEADER, isClientTrustHeader } from "./headers.ts";

describe("isClientTrustHeader", () => {
  it.each([
    IDENTITY_HEADER,
    "X-User-Id",
    "x-user-roles",
    "Forwarded",
    "X-Forwarded-For",
    "x-gateway-anything",
  ])("treats %s as a trust header", (name) => {
    expect(isClientTrustHeader(name)).toBe(true);
  });

  it.each(["authorization", "content-type", "x-request-id", "user-agent", "x-username"])(
    "leaves %s alone",
    (name) => {
      expect(isClientTrustHeader(name)).toBe(false);
    },
  );
});

describe("connectionHeaderNames", () => {
  it("lists every named header once, lower-cased, across repeated Connection headers", () => {
    expect([...connectionHeaderNames(["Keep-Alive, X-Secret", " x-secret ,,Upgrade"])]).toEqual([
      "keep-alive",
      "x-secret",
      "upgrade",
    ]);
  });

  it("is empty without a Connection header", () => {
    expect(connectionHeaderNames(undefined).size).toBe(0);
    expect(connectionHeaderNames(null).size).toBe(0);
  });
});
