import type { IdentityClaims } from "@gateway/types";
import { decodeBase64Url } from "./base64url.ts";
import { claimsShapeProblem } from "./claims.ts";
import { encodedHeaderFor, IDENTITY_TOKEN_ALG, IDENTITY_TOKEN_TYPE } from "./header.ts";
import { assertPublicJwk, type IdentityPublicJwk } from "./keys.ts";
import type { ReplayStore } from "./replay-memory.ts";

export type IdentityFailure =
  | "missing"
  | "malformed"
  | "too_large"
  | "bad_header"
  | "unknown_kid"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "expired"
  | "not_yet_valid"
  | "binding_mismatch"
  | "replayed";

export type VerifyResult =
  | { ok: true; claims: IdentityClaims }
  | { ok: false; reason: IdentityFailure; message: string };

export interface VerifyRequest {
  method: string;
  /** Request target as received: path plus "?query" if any. */
  pathAndQuery: string;
}

export interface IdentityVerifier {
  verify(token: string | null | undefined, request: VerifyRequest): Promise<VerifyResult>;
}

export interface IdentityVerifierOptions {
  /** JWKS; several kids = rotation. Only OKP/Ed25519 public keys. */
  publicKeys: { keys: JsonWebKey[] };
  audience: string;
  issuers: string[];
  clockSkewSeconds: number;
  /** Reject tokens whose exp - iat exceeds this; default 300. */
  maxTtlSeconds?: number;
  /** Checked last, only for tokens that passed everything else. */
  replayStore?: ReplayStore;
  /** Clock in milliseconds. */
  now?: () => number;
}

/**
 * The runtime-specific part of verification: key import, the Ed25519 check and
 * SHA-256 for the binding. Everything else (parsing, every rejection rule) is
 * shared, so each implementation accepts and rejects exactly the same tokens.
 */
export interface VerifierCrypto<Key> {
  importPublicKey(jwk: IdentityPublicJwk): Key | Promise<Key>;
  /** `signingInput` is ASCII (header.payload of a token whose segments decoded as base64url). */
  verifySignature(
    key: Key,
    signature: Uint8Array<ArrayBuffer>,
    signingInput: string,
  ): boolean | Promise<boolean>;
  /** `htp`: base64url(SHA-256(UTF-8 pathAndQuery)). */
  bindingHash(pathAndQuery: string): string;
}

/** Tokens longer than this are rejected before any parsing. */
export const MAX_IDENTITY_TOKEN_BYTES = 8192;
const ED25519_SIGNATURE_BYTES = 64;
const ALLOWED_HEADER_PARAMS: ReadonlySet<string> = new Set(["alg", "typ", "kid"]);

function fail(reason: IdentityFailure, message: string): VerifyResult {
  return { ok: false, reason, message };
}

type HeaderCheck = { kid: string } | { failure: VerifyResult };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function parseJsonSegment(segment: string): unknown {
  const bytes = decodeBase64Url(segment);
  if (bytes === null) return undefined;
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

/** Slow path for headers not byte-identical to what this package's signer emits. */
function checkHeader(segment: string): HeaderCheck {
  const header = parseJsonSegment(segment);
  if (header === undefined) return { failure: fail("malformed", "token header is not base64url JSON") };
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    return { failure: fail("malformed", "token header is not a JSON object") };
  }
  const h = header as Record<string, unknown>;
  for (const name of Object.keys(h)) {
    if (!ALLOWED_HEADER_PARAMS.has(name)) {
      return { failure: fail("bad_header", `header parameter "${name.slice(0, 32)}" is not allowed`) };
    }
  }
  if (h.alg !== IDENTITY_TOKEN_ALG)
    return { failure: fail("bad_header", `alg must be ${IDENTITY_TOKEN_ALG}`) };
  if (h.typ !== IDENTITY_TOKEN_TYPE)
    return { failure: fail("bad_header", `typ must be ${IDENTITY_TOKEN_TYPE}`) };
  if (typeof h.kid !== "string") return { failure: fail("bad_header", "kid must be a string") };
  return { kid: h.kid };
}

function assertVerifierOptions(opts: IdentityVerifierOptions): IdentityPublicJwk[] {
  const keyList = opts.publicKeys?.keys;
  if (!Array.isArray(keyList) || keyList.length === 0) {
    throw new Error("identity verifier publicKeys must be a JWKS with at least one key in `keys`");
  }
  if (typeof opts.audience !== "string" || opts.audience === "") {
    throw new Error("identity verifier audience must be a non-empty string");
  }
  if (!Array.isArray(opts.issuers) || opts.issuers.length === 0) {
    throw new Error("identity verifier issuers must list at least one issuer");
  }
  if (!(opts.clockSkewSeconds >= 0)) {
    throw new Error(`identity verifier clockSkewSeconds must be >= 0, got ${opts.clockSkewSeconds}`);
  }
  const maxTtlSeconds = opts.maxTtlSeconds ?? 300;
  if (!(maxTtlSeconds > 0))
    throw new Error(`identity verifier maxTtlSeconds must be > 0, got ${maxTtlSeconds}`);
  const kids = new Set<string>();
  keyList.forEach((jwk, index) => {
    assertPublicJwk(jwk, `identity verifier publicKeys.keys[${index}]`);
    if (kids.has(jwk.kid)) throw new Error(`identity verifier publicKeys: duplicate kid "${jwk.kid}"`);
    kids.add(jwk.kid);
  });
  return keyList as IdentityPublicJwk[];
}

/** Builds a verifier from the shared rules and a runtime's crypto. */
export async function buildIdentityVerifier<Key>(
  opts: IdentityVerifierOptions,
  backend: VerifierCrypto<Key>,
): Promise<IdentityVerifier> {
  const publicJwks = assertVerifierOptions(opts);
  const imported = await Promise.all(
    publicJwks.map(async (jwk) => [jwk.kid, await backend.importPublicKey(jwk)] as const),
  );
  const keysByKid = new Map<string, Key>(imported);
  const kidByEncodedHeader = new Map<string, string>(
    publicJwks.map((jwk) => [encodedHeaderFor(jwk.kid), jwk.kid]),
  );

  const issuers: ReadonlySet<string> = new Set(opts.issuers);
  const { audience, clockSkewSeconds, replayStore } = opts;
  const maxTtlSeconds = opts.maxTtlSeconds ?? 300;
  const now = opts.now ?? Date.now;

  function checkClaims(payloadBytes: Uint8Array, request: VerifyRequest): VerifyResult {
    let claims: unknown;
    try {
      claims = JSON.parse(utf8.decode(payloadBytes));
    } catch {
      return fail("malformed", "token payload is not UTF-8 JSON");
    }
    const problem = claimsShapeProblem(claims);
    if (problem !== null) return fail("malformed", `token claims: ${problem}`);
    const c = claims as IdentityClaims;

    if (!issuers.has(c.iss)) return fail("wrong_issuer", "token issuer is not accepted");
    if (c.aud !== audience) return fail("wrong_audience", `token audience is not "${audience}"`);
    if (c.exp <= c.iat) return fail("malformed", "token exp is not after iat");
    if (c.exp - c.iat > maxTtlSeconds) {
      return fail("expired", `token lifetime ${c.exp - c.iat}s exceeds the maximum of ${maxTtlSeconds}s`);
    }
    const nowSeconds = Math.floor(now() / 1000);
    if (c.iat > nowSeconds + clockSkewSeconds) return fail("not_yet_valid", "token issued in the future");
    if (nowSeconds >= c.exp + clockSkewSeconds) return fail("expired", "token has expired");
    if (c.htm !== request.method.toUpperCase()) {
      return fail("binding_mismatch", "token was issued for a different HTTP method");
    }
    if (c.htp !== backend.bindingHash(request.pathAndQuery))
      return fail("binding_mismatch", "token was issued for a different path or query");
    return { ok: true, claims: c };
  }

  return {
    async verify(token, request) {
      if (token === null || token === undefined || token === "") {
        return fail("missing", "identity token is missing");
      }
      if (token.length > MAX_IDENTITY_TOKEN_BYTES) {
        return fail("too_large", `identity token exceeds ${MAX_IDENTITY_TOKEN_BYTES} bytes`);
      }
      const firstDot = token.indexOf(".");
      const secondDot = firstDot === -1 ? -1 : token.indexOf(".", firstDot + 1);
      if (secondDot === -1 || token.indexOf(".", secondDot + 1) !== -1) {
        return fail("malformed", "identity token is not a compact JWS (three dot-separated parts)");
      }

      const headerSegment = token.slice(0, firstDot);
      let kid = kidByEncodedHeader.get(headerSegment);
      if (kid === undefined) {
        const header = checkHeader(headerSegment);
        if ("failure" in header) return header.failure;
        kid = header.kid;
      }
      const key = keysByKid.get(kid);
      if (key === undefined) return fail("unknown_kid", `no verification key for kid "${kid.slice(0, 64)}"`);

      const payloadBytes = decodeBase64Url(token.slice(firstDot + 1, secondDot));
      const signature = decodeBase64Url(token.slice(secondDot + 1));
      if (payloadBytes === null || signature === null)
        return fail("malformed", "token segment is not base64url");
      if (signature.length !== ED25519_SIGNATURE_BYTES) return fail("malformed", "signature is not 64 bytes");

      // Every segment is now known to be ASCII, so the signing input is the token's own code units.
      const checked = backend.verifySignature(key, signature, token.slice(0, secondDot));
      const valid = typeof checked === "boolean" ? checked : await checked;
      if (!valid) return fail("bad_signature", "identity token signature does not verify");

      const result = checkClaims(payloadBytes, request);
      if (!result.ok) return result;
      const { jti, exp } = result.claims;
      if (replayStore !== undefined && !(await replayStore.remember(jti, exp + clockSkewSeconds))) {
        return fail("replayed", "token has already been used");
      }
      return result;
    },
  };
}
