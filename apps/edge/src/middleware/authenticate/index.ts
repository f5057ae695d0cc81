export { type Authenticators, createAuthentication } from "./authenticate.ts";
export type { Authenticator, RequestTargetView } from "./authenticator.ts";
export { type IssuerKeySource, remoteJwks } from "./jwks.ts";
export type { JwksCacheOptions } from "./jwks-cache.ts";
export { createJwtAuthenticator, type JwtAuthenticatorOptions } from "./jwt-authenticator.ts";
