import { describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../src/base64url.ts";
import { pathAndQueryOf } from "../src/index.ts";
import { requestTargetOf } from "../src/node.ts";
import { sha256 } from "../src/sha256.ts";

describe("base64url", () => {
  it("matches Node's encoder and round-trips every length up to 70 bytes", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const encoded = encodeBase64Url(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString("base64url"));
      expect(decodeBase64Url(encoded)).toEqual(bytes);
    }
  });

  it("rejects padding, the standard alphabet, impossible lengths and non-canonical final characters", () => {
    for (const bad of ["QQ==", "a+b/", "QUJD=", "A", "QR", "QUJ", "Zm9vYmFy!", "Zm9v\u00e9"]) {
      expect(decodeBase64Url(bad), bad).toBeNull();
    }
    expect(decodeBase64Url("QQ")).toEqual(new Uint8Array([65]));
    expect(decodeBase64Url("QUI")).toEqual(new Uint8Array([65, 66]));
  });
});

describe("sha256", () => {
  it("matches node:crypto across block boundaries", async () => {
    const { createHash } = await import("node:crypto");
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1_000]) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(Buffer.from(sha256(bytes)).toString("hex")).toBe(
        createHash("sha256").update(bytes).digest("hex"),
      );
    }
  });
});

describe("request targets", () => {
  it("pathAndQueryOf keeps the query, a bare '?', and drops the fragment", () => {
    expect(pathAndQueryOf("https://api.example.com/v1/users?limit=10#top")).toBe("/v1/users?limit=10");
    expect(pathAndQueryOf(new URL("https://api.example.com/v1/users?"))).toBe("/v1/users?");
    expect(pathAndQueryOf("https://api.example.com/v1/users?#x")).toBe("/v1/users?");
    expect(pathAndQueryOf("https://api.example.com")).toBe("/");
    expect(pathAndQueryOf("https://api.example.com/a%20b?q=%C3%BC")).toBe("/a%20b?q=%C3%BC");
  });

  it("requestTargetOf reduces absolute-form targets to origin-form", () => {
    expect(requestTargetOf("/v1/users?x=1")).toBe("/v1/users?x=1");
    expect(requestTargetOf("http://central:8080/v1/users?x=1")).toBe("/v1/users?x=1");
    expect(requestTargetOf("http://central:8080")).toBe("/");
    expect(requestTargetOf("*")).toBe("*");
    expect(requestTargetOf(undefined)).toBe("/");
  });
});

describe("nodeDecodeSegment (the node:crypto verifier's codec)", () => {
  it("accepts and rejects exactly what decodeBase64Url does", async () => {
    const { nodeDecodeSegment } = await import("../src/node-crypto.ts");
    const { decodeBase64Url } = await import("../src/base64url.ts");
    const samples = [
      "",
      "A",
      "AA",
      "AB",
      "AAA",
      "AAB",
      "AAAA",
      "-_-_",
      "ab+c",
      "ab/c",
      "ab=c",
      "abc=",
      "é",
      "QUJD",
      "QUI",
      "QUJ",
      "QR",
      "QUK",
    ];
    for (let n = 0; n < 40; n++)
      samples.push(Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString("base64url"));
    for (const sample of samples) {
      const strict = decodeBase64Url(sample);
      const native = nodeDecodeSegment(sample);
      expect(native === null ? null : [...native], sample).toEqual(strict === null ? null : [...strict]);
    }
  });
});
