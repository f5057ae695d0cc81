import { describe, expect, it } from "vitest";
import { readPortEnv } from "./read-port.ts";

describe("readPortEnv", () => {
  it("falls back when unset or empty", () => {
    expect(readPortEnv(undefined, "P", 8080)).toBe(8080);
    expect(readPortEnv("", "P", 8080)).toBe(8080);
  });

  it("accepts 0 (any free port) through 65535", () => {
    expect(readPortEnv("0", "P", 1)).toBe(0);
    expect(readPortEnv("65535", "P", 1)).toBe(65535);
  });

  it.each(["-1", "65536", "80.5", "http", " 80x"])("rejects %j naming the variable", (value) => {
    expect(() => readPortEnv(value, "CENTRAL_PORT", 1)).toThrow(
      /^CENTRAL_PORT must be a port number \(0-65535\)/,
    );
  });

  it("never echoes a long value in full", () => {
    expect(() => readPortEnv("x".repeat(100), "P", 1)).toThrow(`got "${"x".repeat(32)}"`);
  });
});
