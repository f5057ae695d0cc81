import { testConfigPreambleYaml } from "../../support/config.ts";

/**
 * Central config for the security suite. Every route rewrites to its own
 * upstream prefix, so "did a request escape its route" is a prefix check on
 * what the recording upstream received.
 */
export function securityConfigYaml(opts: {
  upstream: string;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}): string {
  return `${testConfigPreambleYaml(opts)}
routes:
  - name: public
    path: /api/public
    methods: [GET, POST]
    auth: public
    upstream: ${opts.upstream}
    rewrite: /public
  - name: admin
    path: /api/admin
    methods: [GET]
    auth: jwt
    roles: [admin]
    upstream: ${opts.upstream}
    rewrite: /admin
  - name: files
    path: /api/files
    methods: [GET, POST, PUT]
    auth: any
    upstream: ${opts.upstream}
    rewrite: /files
    maxBodyBytes: 65536
  - name: small
    path: /api/small
    methods: [POST, PUT]
    auth: any
    upstream: ${opts.upstream}
    rewrite: /small
    maxBodyBytes: 16
`;
}

/** Upstream prefixes the routes above rewrite to; nothing else may ever reach the upstream. */
export const UPSTREAM_PREFIXES = ["/public", "/admin", "/files", "/small"] as const;
