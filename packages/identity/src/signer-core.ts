import type { ForwardedProto, Identity, IdentityClaims } from "@gateway/types";
import { isForwardedHost, isForwardedProto } from "./forwarded.ts";
import { encodedHeaderFor } from "./header.ts";
import { assertPrivateJwk, type IdentityPrivateJwk } from "./keys.ts";

export interface SignInput {
  identity: Identity;
  /** `aud`: the next hop that will verify the token. */
  audience: string;
  method: string;
  /** Request target as the receiver will see it: path plus "?query" if any. */
  pathAndQuery: string;
  clientIp?: string;
  /** `xfp`: the scheme the client used at the edge. */
  forwardedProto?: ForwardedProto;
  /** `xfh`: the host[:port] the client used at the edge; see `isForwardedHost`. */
  forwardedHost?: string;
}

export interface IdentitySigner {
  readonly kid: string;
  sign(input: SignInput): Promise<string>;
}

export interface IdentitySignerOptions {
  privateJwk: IdentityPrivateJwk;
  /** `iss`: the signing tier, e.g. "edge" or "central". */
  issuer: string;
  ttlSeconds: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** The runtime-specific part of signing; the token layout is shared so every implementation emits the same format. */
export interface SignerCrypto<Key> {
  importPrivateKey(jwk: IdentityPrivateJwk): Key | Promise<Key>;
  /** base64url Ed25519 signature of the ASCII `signingInput`. */
  signBase64Url(key: Key, signingInput: string): string | Promise<string>;
  /** `htp`: base64url(SHA-256(UTF-8 pathAndQuery)). */
  bindingHash(pathAndQuery: string): string;
  /** base64url of the UTF-8 bytes of `text`. */
  encodeText(text: string): string;
  /** 128 random bits, base64url. */
  randomJti(): string;
}

/** Checked by every implementation with the same messages. */
export function assertSignerOptions(opts: IdentitySignerOptions): void {
  assertPrivateJwk(opts.privateJwk, "identity signer privateJwk");
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new Error(`identity signer ttlSeconds must be a positive integer, got ${opts.ttlSeconds}`);
  }
}

/** A token verifiers would reject as malformed is never signed. */
function assertForwardedInput(input: SignInput): void {
  if (input.forwardedProto !== undefined && !isForwardedProto(input.forwardedProto)) {
    throw new Error("identity signer forwardedProto must be http or https");
  }
  if (input.forwardedHost !== undefined && !isForwardedHost(input.forwardedHost)) {
    throw new Error("identity signer forwardedHost must be a host[:port] of at most 255 characters");
  }
}

/**
 * Builds the signing input (`header.payload`) for one token. Claims are written
 * in a fixed order; optional ones are omitted when absent.
 */
export function signingInputFor(
  encodedHeader: string,
  opts: Pick<IdentitySignerOptions, "issuer" | "ttlSeconds">,
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
  };
  return `${encodedHeader}.${backend.encodeText(JSON.stringify(claims))}`;
}

/** Builds a signer from the shared token layout and a runtime's crypto. */
export async function buildIdentitySigner<Key>(
  opts: IdentitySignerOptions,
  backend: SignerCrypto<Key>,
): Promise<IdentitySigner> {
  assertSignerOptions(opts);
  const key = await backend.importPrivateKey(opts.privateJwk);
  const { kid } = opts.privateJwk;
  const encodedHeader = encodedHeaderFor(kid);
  const now = opts.now ?? Date.now;
  return {
    kid,
    async sign(input) {
      const signingInput = signingInputFor(encodedHeader, opts, now(), input, backend);
      const signature = backend.signBase64Url(key, signingInput);
      return `${signingInput}.${typeof signature === "string" ? signature : await signature}`;
    },
  };
}
