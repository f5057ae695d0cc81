import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_STATUS, errorBody, GatewayError, isErrorCode, statusOf } from "./errors.ts";

describe("error codes", () => {
  it("every code maps to a 4xx or 5xx status", () => {
    for (const code of ERROR_CODES) {
      expect(statusOf(code)).toBeGreaterThanOrEqual(400);
      expect(statusOf(code)).toBeLessThan(600);
    }
  });

  it("GatewayError carries the code's status and extra headers", () => {
    const error = new GatewayError("rate_limited", "slow down", { "Retry-After": "3" });
    expect(error.status).toBe(429);
    expect(error.headers).toEqual({ "Retry-After": "3" });
    expect(error).toBeInstanceOf(Error);
  });

  it("errorBody has the one JSON shape", () => {
    expect(errorBody("not_found", "no route", "r-1")).toEqual({
      error: { code: "not_found", message: "no route", requestId: "r-1" },
    });
  });

  it("isErrorCode accepts only listed codes, not inherited properties", () => {
    expect(isErrorCode("upstream_timeout")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode("__proto__")).toBe(false);
    expect(Object.keys(ERROR_STATUS)).toContain("rate_limited");
  });
});
