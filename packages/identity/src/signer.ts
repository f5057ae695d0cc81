import type { Identity, IdentityClaims } from "@gateway/types";
import { encodeBase64Url, encodeBase64UrlText, randomBase64Url } from "./base64url.ts";
import { bindingHashSync } from "./binding.ts";
import { encodedHeaderFor } from "./header.ts";
import { assertPrivateJwk, ED25519, type IdentityPrivateJwk, importPrivateKey } from "./keys.ts";

export interface SignInput {
  identity: Identity;
  /** `aud`: the next hop that will verify the token. */
  audience: string;
  method: string;
  /** Request target as the receiver will see it: path plus "?query" if any. */
  pathAndQuery: string;
  clientIp?: string;
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

export async function createIdentitySigner(opts: IdentitySignerOptions): Promise<IdentitySigner> {
  assertPrivateJwk(opts.privateJwk, "identity signer privateJwk");
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new Error(`identity signer ttlSeconds must be a positive integer, got ${opts.ttlSeconds}`);
  }
  const key = await importPrivateKey(opts.privateJwk);
  const { kid } = opts.privateJwk;
  const encodedHeader = encodedHeaderFor(kid);
  const now = opts.now ?? Date.now;
  const encoder = new TextEncoder();

  return {
    kid,
    async sign(input) {
      const iat = Math.floor(now() / 1000);
      const claims: IdentityClaims = {
        sub: input.identity.sub,
        roles: input.identity.roles,
        scopes: input.identity.scopes,
        auth: input.identity.auth,
        ...(input.identity.tenant === undefined ? {} : { tenant: input.identity.tenant }),
        iss: opts.issuer,
        aud: input.audience,
        iat,
        exp: iat + opts.ttlSeconds,
        jti: randomBase64Url(16),
        htm: input.method.toUpperCase(),
        htp: bindingHashSync(input.pathAndQuery),
        ...(input.clientIp === undefined ? {} : { cip: input.clientIp }),
      };
      const signingInput = `${encodedHeader}.${encodeBase64UrlText(JSON.stringify(claims))}`;
      const signature = await crypto.subtle.sign(ED25519, key, encoder.encode(signingInput));
      return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
    },
  };
}
