import type { EdgeRateLimitPolicy, Identity } from "@gateway/types";

/** `ip=<ip>`, `consumer=<sub>` or both, URI-encoded so parts cannot blur into each other. */
export function limitKey(
  policy: Pick<EdgeRateLimitPolicy, "key">,
  parts: { ip: string; identity?: Identity },
): string {
  return policy.key
    .map((part) => {
      const value = part === "ip" ? parts.ip : (parts.identity?.sub ?? "-");
      return `${part}=${encodeURIComponent(value)}`;
    })
    .join("&");
}
