// CPU cost of one identity-token verification, measured in-process: the part
// of central's per-request work that the security boundary always pays.
import {
  createIdentitySigner,
  createIdentityVerifier,
  generateIdentityKeyPair,
} from "../../packages/identity/src/index.ts";

export async function identityVerifyMicros(iterations = 3000): Promise<number> {
  const keys = await generateIdentityKeyPair("bench-micro");
  const signer = await createIdentitySigner({ privateJwk: keys.privateJwk, issuer: "edge", ttlSeconds: 300 });
  const verifier = await createIdentityVerifier({
    publicKeys: { keys: [keys.publicJwk] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  });
  const request = { method: "GET", pathAndQuery: "/bench/hello" };
  const token = await signer.sign({
    identity: { sub: "bench-user", roles: [], scopes: [], auth: "jwt" },
    audience: "central",
    ...request,
  });
  for (let i = 0; i < 300; i++) await verifier.verify(token, request);
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const result = await verifier.verify(token, request);
    if (!result.ok) throw new Error(`identity micro-benchmark: token did not verify (${result.reason})`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / iterations;
}
