import { describe, expect, it } from "vitest";
import { IDENTITY_HEADER, isClientTrustHeader } from "./headers.ts";

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
