import { describe, expect, it } from "vitest";
import { createHmacIdentitySigner, createHmacIdentityVerifier, generateHopSecret } from "../src/index.ts";
import { createNodeHmacIdentitySigner, createNodeHmacIdentityVerifier } from "../src/node.ts";
import { ALICE, fixedClock, T0_MS } from "./helpers.ts";
import { hopContract, WEBCRYPTO_HOP } from "./hop-contract.ts";

hopContract(WEBCRYPTO_HOP);
hopContract({
  name: "node:crypto",
  createSigner: createNodeHmacIdentitySigner,
  createVerifier: createNodeHmacIdentityVerifier,
});
hopContract({
  name: "WebCrypto signer, node:crypto verifier",
  createSigner: createHmacIdentitySigner,
  createVerifier: createNodeHmacIdentityVerifier,
});
hopContract({
  name: "node:crypto signer, WebCrypto verifier",
  createSigner: createNodeHmacIdentitySigner,
  createVerifier: createHmacIdentityVerifier,
});

describe("HS256 across implementations", () => {
  it("node:crypto and WebCrypto produce the same signature for the same signing input", async () => {
    const secretJwk = generateHopSecret("same");
    const options = { secretJwk, issuer: "edge", ttlSeconds: 30, now: fixedClock(T0_MS) };
    const web = await createHmacIdentitySigner(options);
    const node = await createNodeHmacIdentitySigner(options);
    // jtis differ, so compare reusable tokens (no jti): the bytes must match exactly.
    const input = { identity: ALICE, audience: "central" };
    expect((await node.signReusable(input)).token).toBe((await web.signReusable(input)).token);
  });
});
