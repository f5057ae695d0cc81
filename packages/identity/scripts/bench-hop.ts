/**
 * CPU per identity-token operation on this machine, keys already imported:
 * `node scripts/bench-hop.ts [iterations]`. Prints µs of process CPU (user + system) per call
 * for central's edge-token verify (HS256 and EdDSA, full verify = signature + claims + binding),
 * central's service-token sign (per-request and reuse), and the service verifier with its cache.
 */
import { createHmac, createSecretKey } from "node:crypto";
import { generateHopSecret, generateIdentityKeyPair } from "../src/index.ts";
import {
  createNodeHmacIdentitySigner,
  createNodeHmacIdentityVerifier,
  createNodeIdentitySigner,
  createNodeIdentityVerifier,
} from "../src/node.ts";

const iterations = Number(process.argv[2] ?? 20_000);
const identity = { sub: "user-42", roles: ["admin", "reader"], scopes: ["users:read"], auth: "jwt" as const };
const request = { method: "GET", pathAndQuery: "/v1/users/42?expand=orders&limit=10" };
const input = {
  identity,
  audience: "central",
  ...request,
  clientIp: "203.0.113.9",
  forwardedProto: "https" as const,
  forwardedHost: "api.example.com",
};
const rules = { audience: "central", issuers: ["edge"], clockSkewSeconds: 5 };

const hop = generateHopSecret("bench-hop");
const ed = await generateIdentityKeyPair("bench-ed");
const hmacSigner = await createNodeHmacIdentitySigner({ secretJwk: hop, issuer: "edge", ttlSeconds: 60 });
const edSigner = await createNodeIdentitySigner({
  privateJwk: ed.privateJwk,
  issuer: "edge",
  ttlSeconds: 60,
});
const hmacVerifier = await createNodeHmacIdentityVerifier({ ...rules, secretKeys: { keys: [hop] } });
const edVerifier = await createNodeIdentityVerifier({ ...rules, publicKeys: { keys: [ed.publicJwk] } });
const serviceVerifier = await createNodeIdentityVerifier({
  publicKeys: { keys: [ed.publicJwk] },
  audience: "users",
  acceptReusableTokens: true,
});
const hmacToken = await hmacSigner.sign(input);
const edToken = await edSigner.sign(input);
const centralSigner = await createNodeIdentitySigner({
  privateJwk: ed.privateJwk,
  issuer: "central",
  ttlSeconds: 60,
});
const reusable = (await centralSigner.signReusable({ identity, audience: "users" })).token;

async function measure(label: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(2000, iterations / 10); i++) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await fn();
  const used = process.cpuUsage(before);
  console.log(
    `${label.padEnd(58)} ${((used.user + used.system) / iterations).toFixed(2).padStart(7)} µs CPU`,
  );
}

async function ok(result: Promise<{ ok: boolean }>) {
  if (!(await result).ok) throw new Error("verification failed");
}

// Floors: what a verify cannot avoid, measured the same way.
const secret = createSecretKey(Buffer.from(hop.k, "base64url"));
const signingInput = hmacToken.slice(0, hmacToken.lastIndexOf("."));
console.log(`node ${process.version}, ${iterations} iterations each; HS256 token ${hmacToken.length} bytes`);
await measure("verify HS256 edge token (signature + claims + binding)", () =>
  ok(hmacVerifier.verify(hmacToken, request)),
);
await measure("  floor: bare HMAC-SHA256 of the signing input", async () =>
  createHmac("sha256", secret).update(signingInput, "latin1").digest(),
);
await measure("verify EdDSA edge token (signature + claims + binding)", () =>
  ok(edVerifier.verify(edToken, request)),
);
await measure("sign HS256 edge token (what the edge does; node:crypto)", () => hmacSigner.sign(input));
await measure("sign EdDSA service token, per-request", () => edSigner.sign({ ...input, audience: "users" }));
await measure("service: verify a reusable token (cache hit)", () =>
  ok(serviceVerifier.verify(reusable, request)),
);
