import type { EdgeRateLimitPolicy, Identity } from "@gateway/types";

/** Local dev has no CF-Connecting-IP; every request then comes from loopback. */
const DEV_CLIENT_IP = "127.0.0.1";

/** The client IP as Cloudflare saw it (clients cannot set CF-Connecting-IP through Cloudflare). */
export function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? DEV_CLIENT_IP;
}

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
