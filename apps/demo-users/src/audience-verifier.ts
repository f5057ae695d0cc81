import { createIdentityVerifier, type IdentityVerifier, type VerifyResult } from "@gateway/identity";

export interface AudienceVerifierOptions {
  publicKeys: { keys: JsonWebKey[] };
  /** Route names central may sign for when it forwards here; any one matches. */
  audiences: string[];
  issuers?: string[];
  clockSkewSeconds?: number;
  now?: () => number;
}

/**
 * An identity verifier accepting any of several audiences (one service behind
 * several routes). The identity package checks a single `aud`, so this tries
 * one verifier per audience, moving on only when the audience was the problem.
 */
export async function createAudienceVerifier(options: AudienceVerifierOptions): Promise<IdentityVerifier> {
  if (options.audiences.length === 0) throw new Error("at least one audience is required");
  const verifiers = await Promise.all(
    options.audiences.map((audience) =>
      createIdentityVerifier({
        publicKeys: options.publicKeys,
        audience,
        issuers: options.issuers ?? ["central"],
        clockSkewSeconds: options.clockSkewSeconds ?? 5,
        // Routes with serviceToken: reuse send one unbound token per identity; accept and cache them.
        acceptReusableTokens: true,
        ...(options.now ? { now: options.now } : {}),
      }),
    ),
  );
  if (verifiers.length === 1) return verifiers[0] as IdentityVerifier;
  return {
    async verify(token, request) {
      let result: VerifyResult | undefined;
      for (const verifier of verifiers) {
        result = await verifier.verify(token, request);
        if (result.ok || result.reason !== "wrong_audience") return result;
      }
      return result as VerifyResult;
    },
  };
}
