/**
 * The identity types and header names this package needs, defined here so the package has no
 * dependency and can be installed on its own. They are the same shapes as `@gateway/types`
 * (the gateway's shared types); test/types-compat.test.ts fails the type check if they diverge.
 */

/** Header that carries the identity token between tiers. */
export const IDENTITY_HEADER = "x-gateway-identity";
export const REQUEST_ID_HEADER = "x-request-id";

/** How the client proved who it is at the edge. */
export type AuthMethod = "jwt" | "api_key" | "anonymous";

/** The schemes an `xfp` claim may carry. */
export type ForwardedProto = "http" | "https";

/** The verified caller. */
export interface Identity {
  sub: string;
  roles: string[];
  scopes: string[];
  auth: AuthMethod;
  tenant?: string;
}

/** Claims of a request-bound identity token (see docs/identity-token.md). */
export interface IdentityClaims extends Identity {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  htm: string;
  htp: string;
  cip?: string;
  xfp?: ForwardedProto;
  xfh?: string;
  /** The client's country (ISO 3166-1 alpha-2, upper case) as the edge located it. */
  country?: string;
  /** The client's continent code (AF AN AS EU NA OC SA) as the edge located it. */
  continent?: string;
}
