/**
 * RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers):
 * each a Structured Fields List whose items are the policy name as an sf-string
 * (RFC 8941 §3.3.3: quoted, `\` and `"` escaped) with q/w or r/t parameters.
 */
function sfString(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

export interface RateLimitPolicyShape {
  name: string;
  limit: number;
  windowSeconds: number;
  /** Central policies: token_bucket and gcra advertise their burst (see advertisedQuota). */
  algorithm?: string;
  burst?: number;
}

/**
 * The quota a client can actually use. Windows (sliding, fixed, the edge's):
 * `limit` per `windowSeconds`. Token bucket and GCRA: the burst is the quota
 * (that many requests may come at once) and the window is the time the
 * sustained rate takes to refill it, burst × window / limit seconds, rounded
 * up. So `r` never exceeds `q`, and `t` (time to fully restored) never exceeds `w`.
 */
export function advertisedQuota(policy: RateLimitPolicyShape): { quota: number; windowSeconds: number } {
  const bucket = policy.algorithm === "token_bucket" || policy.algorithm === "gcra";
  if (!bucket || policy.burst === undefined) {
    return { quota: policy.limit, windowSeconds: policy.windowSeconds };
  }
  return {
    quota: policy.burst,
    windowSeconds: Math.max(1, Math.ceil((policy.burst * policy.windowSeconds) / policy.limit)),
  };
}

/** `"per-user";q=100;w=60, "per-ip";q=1000;w=3600` */
export function rateLimitPolicyHeader(policies: readonly RateLimitPolicyShape[]): string {
  return policies
    .map((policy) => {
      const { quota, windowSeconds } = advertisedQuota(policy);
      return `${sfString(policy.name)};q=${quota};w=${windowSeconds}`;
    })
    .join(", ");
}

/** `"per-user";r=37;t=12`: what is left of the named policy and when it is whole again. */
export function rateLimitHeader(policyName: string, remaining: number, resetSeconds: number): string {
  return `${sfString(policyName)};r=${remaining};t=${resetSeconds}`;
}
