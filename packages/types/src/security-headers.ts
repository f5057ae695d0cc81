/** Set on every response a gateway tier writes itself (errors, health, raw parser errors), not on relayed ones. */
export const GATEWAY_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

/** Product and version banners: removed from upstream responses, never set by the gateway. */
export const BANNER_HEADERS: readonly string[] = [
  "server",
  "x-powered-by",
  "x-aspnet-version",
  "x-aspnetmvc-version",
];

/** HSTS for responses served over TLS. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";
