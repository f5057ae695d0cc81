/** How the client proved who it is at the edge. */
export type AuthMethod = "jwt" | "api_key" | "anonymous";

/** The verified caller, as carried by the identity token between tiers. */
export interface Identity {
  /** Subject: the JWT `sub`, or the API key's consumer id. "anonymous" on public routes. */
  sub: string;
  roles: string[];
  scopes: string[];
  auth: AuthMethod;
  /** Tenant, when the issuer provides one (claim configured per issuer). */
  tenant?: string;
}

/** Tier names used as `iss` / `aud` of identity tokens. */
export type Tier = "edge" | "central" | (string & {});

/** Claims of the identity token (a compact JWS, alg EdDSA / Ed25519). */
export interface IdentityClaims extends Identity {
  iss: Tier;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /** Request binding: HTTP method, upper case. */
  htm: string;
  /** Request binding: base64url(SHA-256(path + "?" + query)) of the target as the signer saw it. */
  htp: string;
  /** Client IP as seen by the edge (signed, so central can set X-Forwarded-For from it). */
  cip?: string;
  /** Scheme the client used at the edge (signed, so central can set X-Forwarded-Proto from it). */
  xfp?: ForwardedProto;
  /** Host (host[:port], at most 255 characters) the client used at the edge; becomes X-Forwarded-Host. */
  xfh?: string;
  /** The client's country (ISO 3166-1 alpha-2, upper case) as the edge located it (docs/traffic.md). */
  country?: string;
  /** The client's continent code (AF AN AS EU NA OC SA) as the edge located it. */
  continent?: string;
}

/** The schemes an `xfp` claim may carry. */
export type ForwardedProto = "http" | "https";
