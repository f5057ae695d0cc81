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
}

/** `"per-user";q=100;w=60, "per-ip";q=1000;w=3600` */
export function rateLimitPolicyHeader(policies: readonly RateLimitPolicyShape[]): string {
  return policies
    .map((policy) => `${sfString(policy.name)};q=${policy.limit};w=${policy.windowSeconds}`)
    .join(", ");
}

/** `"per-user";r=37;t=12`: what is left of the named policy and when it is whole again. */
export function rateLimitHeader(policyName: string, remaining: number, resetSeconds: number): string {
  return `${sfString(policyName)};r=${remaining};t=${resetSeconds}`;
}
