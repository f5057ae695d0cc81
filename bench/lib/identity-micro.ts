// CPU cost of identity-token work, measured in-process: what the security
// boundary pays per request. Central uses the node:crypto implementation; the
// WebCrypto one (the edge's) and the bare Ed25519 operations are the references.
// (Relative imports: bench/ does not list the internal packages as dependencies.)
import { createPublicKey, verify as edVerify } from "node:crypto";
import {
  createIdentitySigner,
  createIdentityVerifier,
  generateHopSecret,
  generateIdentityKeyPair,
  type IdentitySigner,
  type IdentityVerifier,
} from "@gateway/identity";
import {
  createNodeHmacIdentitySigner,
  createNodeHmacIdentityVerifier,
  createNodeIdentitySigner,
  createNodeIdentityVerifier,
} from "@gateway/identity/node";

export interface IdentityMicros {
  /** createNodeHmacIdentityVerifier().verify: central's default edge-token check (HS256 + claims + binding; the target). */
  hopVerify: number;
  /** createNodeIdentityVerifier().verify: central's edge-token check with `identity.hop.algorithm: EdDSA`. */
  nodeVerify: number;
  /** createIdentityVerifier().verify (WebCrypto, as on the edge), on Node. */
  webCryptoVerify: number;
  /** node:crypto Ed25519 verify alone on a cached KeyObject: the floor of any verification. */
  bareEd25519Verify: number;
  /** createNodeIdentitySigner().sign: what central pays to sign for the service. */
  nodeSign: number;
  /** createIdentitySigner().sign (WebCrypto) on Node. */
  webCryptoSign: number;
}

const REQUEST = { method: "GET", pathAndQuery: "/bench/hello" };
const INPUT = {
  identity: { sub: "bench-user", roles: [], scopes: [], auth: "jwt" as const },
  audience: "central",
  ...REQUEST,
  clientIp: "127.0.0.1",
};

const WARM_UP_MS = 300;
const MEASURE_MS = 500;

/**
 * Process CPU (all threads: WebCrypto's thread-pool work counts) per call, in steady state:
 * a warm-up of at least WARM_UP_MS and iterations / 4 calls (a cheap call such as an HS256
 * verify needs thousands before V8's optimising compiler has run, or it reads 2x too high),
 * then at least `iterations` calls and MEASURE_MS.
 */
async function cpuMicros(iterations: number, call: () => Promise<unknown> | unknown): Promise<number> {
  const warmUpUntil = performance.now() + WARM_UP_MS;
  for (let i = 0; i < iterations / 4 || performance.now() < warmUpUntil; i++) await call();
  const before = process.cpuUsage();
  const measureUntil = performance.now() + MEASURE_MS;
  let calls = 0;
  for (; calls < iterations || performance.now() < measureUntil; calls++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

async function verifyMicros(verifier: IdentityVerifier, token: string, iterations: number): Promise<number> {
  return cpuMicros(iterations, async () => {
    const result = await verifier.verify(token, REQUEST);
    if (!result.ok) throw new Error(`identity micro-benchmark: token did not verify (${result.reason})`);
  });
}

const signMicros = (signer: IdentitySigner, iterations: number) =>
  cpuMicros(iterations, () => signer.sign(INPUT));

export async function identityMicros(iterations = 3000): Promise<IdentityMicros> {
  const keys = await generateIdentityKeyPair("bench-micro");
  const signerOptions = { privateJwk: keys.privateJwk, issuer: "edge", ttlSeconds: 300 };
  const verifierOptions = {
    publicKeys: { keys: [keys.publicJwk] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  };
  const nodeSigner = await createNodeIdentitySigner(signerOptions);
  const token = await nodeSigner.sign(INPUT);
  const keyObject = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: keys.publicJwk.x as string },
    format: "jwk",
  });
  const lastDot = token.lastIndexOf(".");
  const data = Buffer.from(token.slice(0, lastDot), "latin1");
  const signature = Buffer.from(token.slice(lastDot + 1), "base64url");
  const hop = generateHopSecret("bench-hop");
  const hopToken = await (
    await createNodeHmacIdentitySigner({ secretJwk: hop, issuer: "edge", ttlSeconds: 300 })
  ).sign(INPUT);
  const hopVerifier = await createNodeHmacIdentityVerifier({
    secretKeys: { keys: [hop] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  });
  return {
    hopVerify: await verifyMicros(hopVerifier, hopToken, iterations),
    nodeVerify: await verifyMicros(await createNodeIdentityVerifier(verifierOptions), token, iterations),
    webCryptoVerify: await verifyMicros(await createIdentityVerifier(verifierOptions), token, iterations),
    bareEd25519Verify: await cpuMicros(iterations, () => {
      if (!edVerify(null, data, keyObject, signature)) throw new Error("bare verify failed");
    }),
    nodeSign: await signMicros(nodeSigner, iterations),
    webCryptoSign: await signMicros(await createIdentitySigner(signerOptions), iterations),
  };
}
