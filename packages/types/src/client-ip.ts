/** Set by Cloudflare to the connecting client's address; clients cannot set it through Cloudflare. */
export const CLIENT_IP_HEADER = "cf-connecting-ip";

/** Local dev has no CF-Connecting-IP; every request then comes from loopback. */
export const DEV_CLIENT_IP = "127.0.0.1";

/** The client IP as Cloudflare saw it, else the dev loopback address. */
export function clientIpOf(headers: Headers): string {
  return headers.get(CLIENT_IP_HEADER) ?? DEV_CLIENT_IP;
}
