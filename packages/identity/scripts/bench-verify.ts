/**
 * CPU cost of one verify() with keys already imported: `node scripts/bench-verify.ts [iterations]`.
 * Reports process CPU time (all threads, so WebCrypto's thread-pool work is included) per call.
 */
import { createIdentitySigner, createIdentityVerifier, generateIdentityKeyPair } from "../src/index.ts";
import { createNodeIdentityVerifier } from "../src/node.ts";

const iterations = Number(process.argv[2] ?? 20_000);
const { privateJwk, publicJwk } = await generateIdentityKeyPair("bench");
const signer = await createIdentitySigner({ privateJwk, issuer: "edge", ttlSeconds: 60 });
const verifier = await createIdentityVerifier({
  publicKeys: { keys: [publicJwk] },
  audience: "central",
  issuers: ["edge"],
  clockSkewSeconds: 5,
});
const nodeVerifier = await createNodeIdentityVerifier({
  publicKeys: { keys: [publicJwk] },
  audience: "central",
  issuers: ["edge"],
  clockSkewSeconds: 5,
});
const request = { method: "GET", pathAndQuery: "/v1/users/42?expand=orders&limit=10" };
const token = await signer.sign({
  identity: { sub: "user-42", roles: ["admin", "reader"], scopes: ["users:read"], auth: "jwt" },
  audience: "central",
  ...request,
  clientIp: "203.0.113.9",
});

// Baseline: the bare WebCrypto Ed25519 verification that verify() cannot avoid.
const [headerAndPayload, signature] = [
  token.slice(0, token.lastIndexOf(".")),
  token.slice(token.lastIndexOf(".") + 1),
];
const rawKey = await crypto.subtle.importKey(
  "jwk",
  { kty: "OKP", crv: "Ed25519", x: publicJwk.x },
  "Ed25519",
  false,
  ["verify"],
);
const rawSignature = Buffer.from(signature, "base64url");
const rawData = new TextEncoder().encode(headerAndPayload);
const bareVerify = async () => ({
  ok: await crypto.subtle.verify("Ed25519", rawKey, rawSignature, rawData),
  message: "",
});
const fullVerify = () => verifier.verify(token, request);

async function run(
  label: string,
  count: number,
  concurrency: number,
  fn: () => Promise<{ ok: boolean; message?: string }> = fullVerify,
): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  for (let done = 0; done < count; done += concurrency) {
    const batch = Array.from({ length: concurrency }, fn);
    for (const result of await Promise.all(batch))
      if (!result.ok) throw new Error(result.message ?? "verification failed");
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  const cpuMicros = (cpu.user + cpu.system) / count;
  console.log(
    `${label}: ${cpuMicros.toFixed(1)} µs CPU/verify, ${((wallMs * 1000) / count).toFixed(1)} µs wall/verify (concurrency ${concurrency})`,
  );
}

console.log(`token: ${token.length} bytes`);
await run("warm-up", iterations / 4, 1);
await run("bare crypto.subtle.verify (floor)", iterations, 1, bareVerify);
await run("sequential", iterations, 1);
await run("concurrent", iterations, 32);
await run("node:crypto verifier (createNodeIdentityVerifier), sequential", iterations, 1, () =>
  nodeVerifier.verify(token, request),
);
