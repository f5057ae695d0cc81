export { bindingHash, pathAndQueryOf } from "./binding.ts";
export { parseJwksEnv, parsePrivateJwkEnv } from "./env.ts";
export { isForwardedHost, isForwardedProto, MAX_FORWARDED_HOST_LENGTH } from "./forwarded.ts";
export { IDENTITY_TOKEN_ALG, IDENTITY_TOKEN_TYPE } from "./header.ts";
export {
  generateIdentityKeyPair,
  type IdentityKeyPair,
  type IdentityPrivateJwk,
  type IdentityPublicJwk,
} from "./keys.ts";
export { createMemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from "./replay-memory.ts";
export {
  createIdentitySigner,
  type IdentitySigner,
  type IdentitySignerOptions,
  type SignInput,
} from "./signer.ts";
export {
  createIdentityVerifier,
  type IdentityFailure,
  type IdentityVerifier,
  type IdentityVerifierOptions,
  MAX_IDENTITY_TOKEN_BYTES,
  type VerifyRequest,
  type VerifyResult,
} from "./verifier.ts";
