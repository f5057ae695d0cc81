import { describe, expect, it } from "vitest";
import { generateIdentityKeyPair, parseJwksEnv, parsePrivateJwkEnv } from "../src/index.ts";

describe("parseJwksEnv", () => {
  it("accepts a JWKS and a single JWK", async () => {
    const { publicJwk } = await generateIdentityKeyPair("k1");
    const second = (await generateIdentityKeyPair("k2")).publicJwk;
    expect(parseJwksEnv(JSON.stringify({ keys: [publicJwk, second] }), "EDGE_IDENTITY_JWKS").keys).toEqual([
      publicJwk,
      second,
    ]);
    expect(parseJwksEnv(JSON.stringify(publicJwk), "EDGE_IDENTITY_JWKS")).toEqual({ keys: [publicJwk] });
  });

  it("names the variable when it is unset, empty or not JSON, without echoing the value", () => {
    expect(() => parseJwksEnv(undefined, "EDGE_IDENTITY_JWKS")).toThrow(/^EDGE_IDENTITY_JWKS is not set/);
    expect(() => parseJwksEnv("  ", "EDGE_IDENTITY_JWKS")).toThrow(/^EDGE_IDENTITY_JWKS is not set/);
    let message = "";
    try {
      parseJwksEnv('{"keys":[{"d":"SECRETSECRET"', "EDGE_IDENTITY_JWKS");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^EDGE_IDENTITY_JWKS is not valid JSON/);
    expect(message).not.toContain("SECRETSECRET");
  });

  it("rejects non-Ed25519 keys, private keys, empty sets and duplicate kids", async () => {
    const { publicJwk, privateJwk } = await generateIdentityKeyPair("k1");
    expect(() =>
      parseJwksEnv(JSON.stringify({ keys: [{ kty: "RSA", kid: "r", n: "x", e: "AQAB" }] }), "J"),
    ).toThrow(/^J keys\[0\]: key "r" has kty=RSA/);
    expect(() => parseJwksEnv(JSON.stringify({ keys: [privateJwk] }), "J")).toThrow(/private key/);
    expect(() => parseJwksEnv(JSON.stringify({ keys: [] }), "J")).toThrow(
      /^J: "keys" must be a non-empty array/,
    );
    expect(() => parseJwksEnv("[]", "J")).toThrow(/^J must be a JWKS/);
    expect(() => parseJwksEnv(JSON.stringify({ keys: [publicJwk, publicJwk] }), "J")).toThrow(
      /duplicate kid "k1"/,
    );
  });
});

describe("parsePrivateJwkEnv", () => {
  it("returns the private JWK", async () => {
    const { privateJwk } = await generateIdentityKeyPair("signing-1");
    expect(parsePrivateJwkEnv(JSON.stringify(privateJwk), "IDENTITY_PRIVATE_JWK")).toEqual(privateJwk);
  });

  it("names the variable and never echoes the key", async () => {
    const { privateJwk, publicJwk } = await generateIdentityKeyPair("signing-1");
    expect(() => parsePrivateJwkEnv(undefined, "IDENTITY_PRIVATE_JWK")).toThrow(
      /^IDENTITY_PRIVATE_JWK is not set/,
    );
    expect(() => parsePrivateJwkEnv(JSON.stringify(publicJwk), "IDENTITY_PRIVATE_JWK")).toThrow(
      /^IDENTITY_PRIVATE_JWK: "d" must be/,
    );
    const { kid: _kid, ...withoutKid } = privateJwk;
    let message = "";
    try {
      parsePrivateJwkEnv(JSON.stringify(withoutKid), "IDENTITY_PRIVATE_JWK");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^IDENTITY_PRIVATE_JWK: every key needs a non-empty string "kid"/);
    expect(message).not.toContain(privateJwk.d);
  });
});
