export { bindingHash, pathAndQueryOf } from "./binding.ts";
export type { ReusableIdentityClaims } from "./claims.ts";
export { parseHopKeysEnv, parseJwksEnv, parsePrivateJwkEnv } from "./env.ts";
export {
  isContinentCode,
  isCountryCode,
  isForwardedHost,
  isForwardedProto,
  MAX_FORWARDED_HOST_LENGTH,
} from "./forwarded.ts";
export {
  HOP_TOKEN_ALG,
  IDENTITY_TOKEN_ALG,
  IDENTITY_TOKEN_TYPE,
  type IdentityTokenAlgorithm,
} from "./header.ts";
export {
  generateIdentityKeyPair,
  type IdentityKeyPair,
  type IdentityPrivateJwk,
  type IdentityPublicJwk,
} from "./keys.ts";
export { createMemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from "./replay-memory.ts";
export { generateHopSecret, type HopSecretJwk, MIN_HOP_SECRET_BYTES } from "./secret-keys.ts";
export {
  createHmacIdentitySigner,
  createIdentitySigner,
  type HmacIdentitySignerOptions,
  type IdentitySigner,
  type IdentitySignerOptions,
  type ReusableSignInput,
  type SignedReusableToken,
  type SignInput,
} from "./signer.ts";
export {
  type AuthMethod,
  type ForwardedProto,
  IDENTITY_HEADER,
  type Identity,
  type IdentityClaims,
  REQUEST_ID_HEADER,
} from "./types.ts";
export {
  createHmacIdentityVerifier,
  createIdentityVerifier,
  type HmacIdentityVerifierOptions,
  type IdentityFailure,
  type IdentityVerifier,
  type IdentityVerifierOptions,
  MAX_IDENTITY_TOKEN_BYTES,
  type VerifiedIdentity,
  type VerifierRules,
  type VerifyRequest,
  type VerifyResult,
} from "./verifier.ts";
