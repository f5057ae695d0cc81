import { decodeBase64Url } from "./base64url.ts";
import { claimsShapeProblem, isReusableShape, type ReusableIdentityClaims } from "./claims.ts";
import { IDENTITY_TOKEN_TYPE, type IdentityTokenAlgorithm } from "./header.ts";
import type { KeyStore } from "./key-store.ts";
import type { ReplayStore } from "./replay-memory.ts";
import { createTokenCache } from "./token-cache.ts";
import type { IdentityClaims } from "./types.ts";

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

/**
 * A verified token: request-bound (`reusable: false`, the default kind) or, only when the
 * verifier accepts them, a reusable service token without binding or jti (`reusable: true`).
 */
export type VerifiedIdentity =
  | { ok: true; reusable: false; claims: IdentityClaims }
  | { ok: true; reusable: true; claims: ReusableIdentityClaims };

export type VerifyResult = VerifiedIdentity | { ok: false; reason: IdentityFailure; message: string };

export interface VerifyRequest {
  method: string;
  /** Request target as received: path plus "?query" if any. */
  pathAndQuery: string;
}

export interface IdentityVerifier {
  verify(token: string | null | undefined, request: VerifyRequest): Promise<VerifyResult>;
}

/** What every verifier checks, whatever its algorithm and key source. */
export interface VerifierRules {
  /**
   * The `aud` this verifier accepts. For a service behind central this is the **route name**
   * in gateway.config.yaml (central signs `aud` = the route the request came through); list
   * several when the service is reached through several routes. Central's own verifier uses "central".
   */
  audience: string | readonly string[];
  /** Accepted `iss` values; default ["central"] (a service verifying central's tokens). */
  issuers?: readonly string[];
  /** Tolerance for iat/exp; default 5. */
  clockSkewSeconds?: number;
  /** Reject tokens whose exp - iat exceeds this; default 300. */
  maxTtlSeconds?: number;
  /** Checked last, only for request-bound tokens that passed everything else. */
  replayStore?: ReplayStore;
  /**
   * Accept reusable service tokens (routes with `serviceToken: reuse`): no method/path binding
   * and no jti. Default false: such a token is rejected with `binding_mismatch`.
   */
  acceptReusableTokens?: boolean;
  /** Verified reusable tokens kept (LRU), so each costs one signature check; default 10 000. */
  reusableTokenCacheSize?: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/**
 * The runtime- and algorithm-specific part of verification. Everything else (parsing,
 * every rejection rule) is shared, so each implementation accepts and rejects exactly
 * the same tokens.
 */
export interface VerifierCrypto<Key> {
  algorithm: IdentityTokenAlgorithm;
  /** 64 for Ed25519, 32 for HMAC-SHA256. */
  signatureBytes: number;
  /** `signingInput` is ASCII (header.payload of a token whose segments decoded as base64url). */
  verifySignature(
    key: Key,
    signature: Uint8Array<ArrayBuffer>,
    signingInput: string,
  ): boolean | Promise<boolean>;
  /** `htp`: base64url(SHA-256(UTF-8 pathAndQuery)). */
  bindingHash(pathAndQuery: string): string;
  /**
   * Optional faster codec (Node: native base64url and UTF-8 validation). Must accept exactly
   * what `decodeBase64Url` accepts (strict, canonical) and reject invalid UTF-8.
   */
  decodeSegment?(segment: string): Uint8Array<ArrayBuffer> | null;
  /** The UTF-8 text of `bytes`, or null if they are not valid UTF-8. */
  decodeUtf8?(bytes: Uint8Array): string | null;
}

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Tokens longer than this are rejected before any parsing. */
export const MAX_IDENTITY_TOKEN_BYTES = 8192;
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
function checkHeader(segment: string, algorithm: IdentityTokenAlgorithm): HeaderCheck {
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
  if (h.alg !== algorithm) return { failure: fail("bad_header", `alg must be ${algorithm}`) };
  if (h.typ !== IDENTITY_TOKEN_TYPE)
    return { failure: fail("bad_header", `typ must be ${IDENTITY_TOKEN_TYPE}`) };
  if (typeof h.kid !== "string") return { failure: fail("bad_header", "kid must be a string") };
  return { kid: h.kid };
}

/** Checks the rule options; the key options are checked by each factory. */
export function assertVerifierRules(opts: VerifierRules): void {
  const audiences = typeof opts.audience === "string" ? [opts.audience] : opts.audience;
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    audiences.some((a) => typeof a !== "string" || a === "")
  ) {
    throw new Error(
      "identity verifier audience must be a non-empty string (or list): for a service, the route name(s) in gateway.config.yaml that forward to it",
    );
  }
  if (opts.issuers !== undefined && (!Array.isArray(opts.issuers) || opts.issuers.length === 0)) {
    throw new Error("identity verifier issuers must list at least one issuer");
  }
  if (opts.clockSkewSeconds !== undefined && !(opts.clockSkewSeconds >= 0)) {
    throw new Error(`identity verifier clockSkewSeconds must be >= 0, got ${opts.clockSkewSeconds}`);
  }
  const maxTtlSeconds = opts.maxTtlSeconds ?? 300;
  if (!(maxTtlSeconds > 0))
    throw new Error(`identity verifier maxTtlSeconds must be > 0, got ${maxTtlSeconds}`);
  const cacheSize = opts.reusableTokenCacheSize ?? 10_000;
  if (!Number.isInteger(cacheSize) || cacheSize < 1) {
    throw new Error(`identity verifier reusableTokenCacheSize must be a positive integer, got ${cacheSize}`);
  }
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

/** Builds a verifier from the shared rules, a key store and a runtime's crypto. */
export function buildIdentityVerifier<Key>(
  opts: VerifierRules,
  keys: KeyStore<Key>,
  backend: VerifierCrypto<Key>,
): IdentityVerifier {
  assertVerifierRules(opts);
  const audienceList = typeof opts.audience === "string" ? [opts.audience] : [...opts.audience];
  const audiences: ReadonlySet<string> = new Set(audienceList);
  const expectedAudience = audienceList.map((a) => JSON.stringify(a)).join(" or ");
  const issuers: ReadonlySet<string> = new Set(opts.issuers ?? ["central"]);
  const clockSkewSeconds = opts.clockSkewSeconds ?? 5;
  const { replayStore } = opts;
  const maxTtlSeconds = opts.maxTtlSeconds ?? 300;
  const now = opts.now ?? Date.now;
  const acceptReusable = opts.acceptReusableTokens === true;
  const decodeSegment = backend.decodeSegment ?? decodeBase64Url;
  const decodeUtf8 = backend.decodeUtf8 ?? strictUtf8;
  const reusableCache = acceptReusable
    ? createTokenCache<ReusableIdentityClaims>(opts.reusableTokenCacheSize ?? 10_000, () =>
        Math.floor(now() / 1000),
      )
    : undefined;

  function checkTime(c: { iat: number; exp: number }, nowSeconds: number): VerifyResult | undefined {
    if (c.iat > nowSeconds + clockSkewSeconds) return fail("not_yet_valid", "token issued in the future");
    if (nowSeconds >= c.exp + clockSkewSeconds) return fail("expired", "token has expired");
    return undefined;
  }

  function checkClaims(payloadBytes: Uint8Array, request: VerifyRequest, token: string): VerifyResult {
    let claims: unknown;
    const text = decodeUtf8(payloadBytes);
    if (text === null) return fail("malformed", "token payload is not UTF-8 JSON");
    try {
      claims = JSON.parse(text);
    } catch {
      return fail("malformed", "token payload is not UTF-8 JSON");
    }
    const problem = claimsShapeProblem(claims);
    if (problem !== null) return fail("malformed", `token claims: ${problem}`);
    const c = claims as IdentityClaims;

    if (!issuers.has(c.iss)) return fail("wrong_issuer", "token issuer is not accepted");
    if (!audiences.has(c.aud)) {
      return fail(
        "wrong_audience",
        `token audience ${quoted(c.aud)} is not ${expectedAudience}: a service's verifier audience must be the route name central forwards it under`,
      );
    }
    if (c.exp <= c.iat) return fail("malformed", "token exp is not after iat");
    if (c.exp - c.iat > maxTtlSeconds) {
      return fail("expired", `token lifetime ${c.exp - c.iat}s exceeds the maximum of ${maxTtlSeconds}s`);
    }
    const nowSeconds = Math.floor(now() / 1000);
    const timeFailure = checkTime(c, nowSeconds);
    if (timeFailure !== undefined) return timeFailure;
    if (isReusableShape(claims as Record<string, unknown>)) {
      if (reusableCache === undefined) {
        return fail(
          "binding_mismatch",
          "token is a reusable service token (no request binding); this verifier accepts only request-bound tokens (set acceptReusableTokens to accept routes with serviceToken: reuse)",
        );
      }
      reusableCache.set(token, c, c.exp + clockSkewSeconds);
      return { ok: true, reusable: true, claims: c };
    }
    if (c.htm !== request.method.toUpperCase()) {
      return fail("binding_mismatch", "token was issued for a different HTTP method");
    }
    if (c.htp !== backend.bindingHash(request.pathAndQuery))
      return fail("binding_mismatch", "token was issued for a different path or query");
    return { ok: true, reusable: false, claims: c };
  }

  async function keyFor(kid: string): Promise<Key | undefined> {
    const key = keys.lookup(kid);
    if (key !== undefined) return key;
    return (await keys.refreshForUnknownKid(kid)) ? keys.lookup(kid) : undefined;
  }

  return {
    async verify(token, request) {
      if (token === null || token === undefined || token === "") {
        return fail("missing", "identity token is missing");
      }
      if (token.length > MAX_IDENTITY_TOKEN_BYTES) {
        return fail("too_large", `identity token exceeds ${MAX_IDENTITY_TOKEN_BYTES} bytes`);
      }
      if (reusableCache !== undefined) {
        const cached = reusableCache.get(token);
        if (cached !== undefined) {
          const timeFailure = checkTime(cached, Math.floor(now() / 1000));
          if (timeFailure !== undefined) return timeFailure;
          return { ok: true, reusable: true, claims: cached };
        }
      }
      const firstDot = token.indexOf(".");
      const secondDot = firstDot === -1 ? -1 : token.indexOf(".", firstDot + 1);
      if (secondDot === -1 || token.indexOf(".", secondDot + 1) !== -1) {
        return fail("malformed", "identity token is not a compact JWS (three dot-separated parts)");
      }

      const headerSegment = token.slice(0, firstDot);
      let kid = keys.kidOfEncodedHeader(headerSegment);
      if (kid === undefined) {
        const header = checkHeader(headerSegment, backend.algorithm);
        if ("failure" in header) return header.failure;
        kid = header.kid;
      }
      const key = await keyFor(kid);
      if (key === undefined) {
        const problem = keys.problem();
        return fail(
          "unknown_kid",
          `no verification key for kid ${quoted(kid)}${problem === undefined ? "" : ` (${problem})`}`,
        );
      }

      const payloadBytes = decodeSegment(token.slice(firstDot + 1, secondDot));
      const signature = decodeSegment(token.slice(secondDot + 1));
      if (payloadBytes === null || signature === null)
        return fail("malformed", "token segment is not base64url");
      if (signature.length !== backend.signatureBytes) {
        return fail("malformed", `signature is not ${backend.signatureBytes} bytes`);
      }

      // Every segment is now known to be ASCII, so the signing input is the token's own code units.
      const checked = backend.verifySignature(key, signature, token.slice(0, secondDot));
      const valid = typeof checked === "boolean" ? checked : await checked;
      if (!valid) return fail("bad_signature", "identity token signature does not verify");

      const result = checkClaims(payloadBytes, request, token);
      if (!result.ok || result.reusable) return result;
      const { jti, exp } = result.claims;
      if (replayStore !== undefined && !(await replayStore.remember(jti, exp + clockSkewSeconds))) {
        return fail("replayed", "token has already been used");
      }
      return result;
    },
  };
}
