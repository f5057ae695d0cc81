import { describe, expect, it } from "vitest";
import {
  bindingHash,
  createIdentitySigner,
  createIdentityVerifier,
  generateIdentityKeyPair,
} from "../src/index.ts";
import { createNodeIdentitySigner, createNodeIdentityVerifier, nodeBindingHash } from "../src/node.ts";
import { type IdentityImplementation, identityContract } from "./contract.ts";
import { ALICE, decodeSegment, fixedClock, splitToken, T0_MS } from "./helpers.ts";

const NODE: IdentityImplementation = {
  name: "node:crypto",
  createSigner: createNodeIdentitySigner,
  createVerifier: createNodeIdentityVerifier,
};

// Every rule, with each implementation alone and with tokens crossing between them.
identityContract(NODE);
identityContract({
  name: "WebCrypto signer, node:crypto verifier",
  createSigner: createIdentitySigner,
  createVerifier: createNodeIdentityVerifier,
});
identityContract({
  name: "node:crypto signer, WebCrypto verifier",
  createSigner: createNodeIdentitySigner,
  createVerifier: createIdentityVerifier,
});

describe("node:crypto and WebCrypto emit the same token format", () => {
  const input = {
    identity: ALICE,
    audience: "central",
    method: "post",
    pathAndQuery: "/v1/caf\u00e9?q=\u00fc&x=1",
    clientIp: "2001:db8::1",
    forwardedProto: "https",
    forwardedHost: "api.example.com:8443",
  } as const;

  it("produces the same header and claims (jti aside) for the same input", async () => {
    const { privateJwk } = await generateIdentityKeyPair("same-format");
    const options = { privateJwk, issuer: "edge", ttlSeconds: 30, now: fixedClock(T0_MS) };
    const [webToken, nodeToken] = await Promise.all([
      (await createIdentitySigner(options)).sign(input),
      (await createNodeIdentitySigner(options)).sign(input),
    ]);
    const [webHeader, webPayload] = splitToken(webToken);
    const [nodeHeader, nodePayload] = splitToken(nodeToken);
    expect(nodeHeader).toBe(webHeader);
    const { jti: webJti, ...webClaims } = decodeSegment(webPayload) as Record<string, unknown>;
    const { jti: nodeJti, ...nodeClaims } = decodeSegment(nodePayload) as Record<string, unknown>;
    expect(nodeClaims).toEqual(webClaims);
    expect(Object.keys(nodeClaims)).toEqual(Object.keys(webClaims));
    expect(nodeJti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(nodeJti).not.toBe(webJti);
  });

  it("hashes the binding like the isomorphic SHA-256, non-ASCII and lone surrogates included", async () => {
    for (const target of [
      "",
      "/",
      "/v1/users?limit=10",
      "/caf\u00e9?q=\u00fc",
      "/\ud800x",
      "/e\u0301",
      "/x".repeat(300),
    ]) {
      expect(nodeBindingHash(target)).toBe(await bindingHash(target));
    }
  });

  it("never repeats a jti, across the random-byte batch boundary too", async () => {
    const { privateJwk, publicJwk } = await generateIdentityKeyPair("jti");
    const signer = await createNodeIdentitySigner({ privateJwk, issuer: "edge", ttlSeconds: 30 });
    const verifier = await createNodeIdentityVerifier({
      publicKeys: { keys: [publicJwk] },
      audience: "central",
      issuers: ["edge"],
      clockSkewSeconds: 5,
    });
    const request = { method: "GET", pathAndQuery: "/v1/x" };
    const tokens = await Promise.all(
      Array.from({ length: 700 }, () => signer.sign({ identity: ALICE, audience: "central", ...request })),
    );
    const jtis = tokens.map((token) => (decodeSegment(splitToken(token)[1]) as { jti: string }).jti);
    expect(new Set(jtis).size).toBe(700);
    const results = await Promise.all(tokens.map((token) => verifier.verify(token, request)));
    expect(results.every((result) => result.ok)).toBe(true);
  });
});
