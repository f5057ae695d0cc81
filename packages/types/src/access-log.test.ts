import { describe, expect, it } from "vitest";
import { isSecretQueryName, MAX_LOGGED_TARGET, redactedTarget } from "./access-log.ts";

describe("redactedTarget", () => {
  it("keeps the path and ordinary parameters as sent, redacting credential-like values", () => {
    expect(redactedTarget("/a/b", undefined)).toBe("/a/b");
    expect(redactedTarget("/a", "page=2&sort=name%20asc")).toBe("/a?page=2&sort=name%20asc");
    expect(redactedTarget("/a", "api_key=k1&x=1&token=t&access_token=a&id_token=i&key")).toBe(
      "/a?api_key=[REDACTED]&x=1&token=[REDACTED]&access_token=[REDACTED]&id_token=[REDACTED]&key=[REDACTED]",
    );
  });

  it("matches names case-insensitively, percent-decoded, with - as _ and a trailing []", () => {
    for (const name of [
      "API_KEY",
      "Api-Key",
      "api%5Fkey",
      "token[]",
      "X-Amz-Signature",
      "my_refresh_token",
      "client_secret",
      "password",
    ])
      expect(isSecretQueryName(name), name).toBe(true);
    for (const name of ["page", "q", "tokenizer", "keys", "monkey"])
      expect(isSecretQueryName(name), name).toBe(false);
  });

  it("redacts extra configured names and caps the length", () => {
    expect(redactedTarget("/a", "partner_key=x", new Set(["partner_key"]))).toBe("/a?partner_key=[REDACTED]");
    const long = redactedTarget(`/${"a".repeat(600)}`, undefined);
    expect(long).toHaveLength(MAX_LOGGED_TARGET + 1);
    expect(long.endsWith("…")).toBe(true);
  });
});
