import type { ReusableIdentityClaims } from "./claims.ts";
import { isContinentCode, isCountryCode, isForwardedHost, isForwardedProto } from "./forwarded.ts";
import { encodedHeaderFor, type IdentityTokenAlgorithm } from "./header.ts";
import type { ForwardedProto, Identity, IdentityClaims } from "./types.ts";

export interface SignInput {
  identity: Identity;
  /** `aud`: the next hop that will verify the token (central, or the route name for a service). */
  audience: string;
  method: string;
  /** Request target as the receiver will see it: path plus "?query" if any. */
  pathAndQuery: string;
  clientIp?: string;
  /** `xfp`: the scheme the client used at the edge. */
  forwardedProto?: ForwardedProto;
  /** `xfh`: the host[:port] the client used at the edge; see `isForwardedHost`. */
  forwardedHost?: string;
  /** `country`: the client's ISO 3166-1 alpha-2 country, upper case (see `isCountryCode`). */
  country?: string;
  /** `continent`: the client's continent code (AF AN AS EU NA OC SA). */
  continent?: string;
}

/** A reusable token has no request binding and no jti. */
export type ReusableSignInput = Omit<SignInput, "method" | "pathAndQuery">;

export interface SignedReusableToken {
  token: string;
  /** `iat` and `exp` of the token, unix seconds. */
  issuedAt: number;
  expiresAt: number;
}

export interface IdentitySigner {
  readonly kid: string;
  /** A request-bound token (method, target, jti): the default for every hop. */
  sign(input: SignInput): Promise<string>;
  /** A token for `serviceToken: reuse` routes: same identity claims, no binding, no jti. */
  signReusable(input: ReusableSignInput): Promise<SignedReusableToken>;
}

export interface IdentitySignerOptions {
  /** An Ed25519 private JWK with a kid. */
  privateJwk: JsonWebKey & { kid: string };
  /** `iss`: the signing tier, e.g. "edge" or "central". */
  issuer: string;
  ttlSeconds: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** The runtime- and algorithm-specific part of signing; the token layout is shared. */
export interface SignerCrypto<Key> {
  algorithm: IdentityTokenAlgorithm;
  /** base64url signature of the ASCII `signingInput`. */
  signBase64Url(key: Key, signingInput: string): string | Promise<string>;
  /** `htp`: base64url(SHA-256(UTF-8 pathAndQuery)). */
  bindingHash(pathAndQuery: string): string;
  /** base64url of the UTF-8 bytes of `text`. */
  encodeText(text: string): string;
  /** 128 random bits, base64url. */
  randomJti(): string;
}

export interface SignerRules {
  issuer: string;
  ttlSeconds: number;
  now?: () => number;
}

/** Checked by every implementation with the same messages. */
export function assertSignerRules(opts: SignerRules): void {
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new Error(`identity signer ttlSeconds must be a positive integer, got ${opts.ttlSeconds}`);
  }
}

/** A token verifiers would reject as malformed is never signed. */
function assertForwardedInput(input: ReusableSignInput): void {
  if (input.forwardedProto !== undefined && !isForwardedProto(input.forwardedProto)) {
    throw new Error("identity signer forwardedProto must be http or https");
  }
  if (input.forwardedHost !== undefined && !isForwardedHost(input.forwardedHost)) {
    throw new Error("identity signer forwardedHost must be a host[:port] of at most 255 characters");
  }
  if (input.country !== undefined && !isCountryCode(input.country)) {
    throw new Error("identity signer country must be a two-character upper-case country code");
  }
  if (input.continent !== undefined && !isContinentCode(input.continent)) {
    throw new Error("identity signer continent must be one of AF AN AS EU NA OC SA");
  }
}

/**
 * Builds the signing input (`header.payload`) for one token. Claims are written
 * in a fixed order; optional ones are omitted when absent.
 */
export function signingInputFor(
  encodedHeader: string,
  opts: Pick<SignerRules, "issuer" | "ttlSeconds">,
  nowMs: number,
  input: SignInput,
  backend: Pick<SignerCrypto<unknown>, "bindingHash" | "encodeText" | "randomJti">,
): string {
  assertForwardedInput(input);
  const iat = Math.floor(nowMs / 1000);
  const { identity } = input;
  const claims: IdentityClaims = {
    sub: identity.sub,
    roles: identity.roles,
    scopes: identity.scopes,
    auth: identity.auth,
    ...(identity.tenant === undefined ? {} : { tenant: identity.tenant }),
    iss: opts.issuer,
    aud: input.audience,
    iat,
    exp: iat + opts.ttlSeconds,
    jti: backend.randomJti(),
    htm: input.method.toUpperCase(),
    htp: backend.bindingHash(input.pathAndQuery),
    ...(input.clientIp === undefined ? {} : { cip: input.clientIp }),
    ...(input.forwardedProto === undefined ? {} : { xfp: input.forwardedProto }),
    ...(input.forwardedHost === undefined ? {} : { xfh: input.forwardedHost }),
    ...(input.country === undefined ? {} : { country: input.country }),
    ...(input.continent === undefined ? {} : { continent: input.continent }),
  };
  return `${encodedHeader}.${backend.encodeText(JSON.stringify(claims))}`;
}

function reusableClaimsFor(
  opts: Pick<SignerRules, "issuer" | "ttlSeconds">,
  iat: number,
  input: ReusableSignInput,
): ReusableIdentityClaims {
  assertForwardedInput(input);
  const { identity } = input;
  return {
    sub: identity.sub,
    roles: identity.roles,
    scopes: identity.scopes,
    auth: identity.auth,
    ...(identity.tenant === undefined ? {} : { tenant: identity.tenant }),
    iss: opts.issuer,
    aud: input.audience,
    iat,
    exp: iat + opts.ttlSeconds,
    ...(input.clientIp === undefined ? {} : { cip: input.clientIp }),
    ...(input.forwardedProto === undefined ? {} : { xfp: input.forwardedProto }),
    ...(input.forwardedHost === undefined ? {} : { xfh: input.forwardedHost }),
    ...(input.country === undefined ? {} : { country: input.country }),
    ...(input.continent === undefined ? {} : { continent: input.continent }),
  };
}

/** Builds a signer from the shared token layout, an imported key and a runtime's crypto. */
export function buildIdentitySigner<Key>(
  opts: SignerRules,
  kid: string,
  key: Key,
  backend: SignerCrypto<Key>,
): IdentitySigner {
  assertSignerRules(opts);
  const encodedHeader = encodedHeaderFor(kid, backend.algorithm);
  const now = opts.now ?? Date.now;
  const finish = async (signingInput: string) => {
    const signature = backend.signBase64Url(key, signingInput);
    return `${signingInput}.${typeof signature === "string" ? signature : await signature}`;
  };
  return {
    kid,
    async sign(input) {
      return finish(signingInputFor(encodedHeader, opts, now(), input, backend));
    },
    async signReusable(input) {
      const iat = Math.floor(now() / 1000);
      const claims = reusableClaimsFor(opts, iat, input);
      const token = await finish(`${encodedHeader}.${backend.encodeText(JSON.stringify(claims))}`);
      return { token, issuedAt: iat, expiresAt: claims.exp };
    },
  };
}
