// Generates the gateway.config.yaml the gateway contestants run with. JSON is
// valid YAML, so the file is written as JSON.
import { writeFileSync } from "node:fs";

export const BENCH_ROUTE_PREFIX = "/bench";
export const BENCH_POLICY = "bench-generous";
export const DEMO_ISSUER = "https://dev-issuer.gateway.local";
export const DEMO_AUDIENCE = "gateway-api";

export interface BenchConfigOptions {
  upstreamUrl: string;
  /** Apply the precise (Redis) rate-limit policy to the route. */
  rateLimit: boolean;
  /** JWKS of the JWT issuer the edge trusts; central never fetches it. */
  jwksUrl: string;
  /**
   * Central's default (true): each identity token is accepted once, so the
   * load generators must send a fresh token per request. false lets them
   * repeat one pre-signed token for a whole round.
   */
  replayProtection: boolean;
  /** routes[].serviceToken of the bench route (default per-request). */
  serviceToken?: "per-request" | "reuse";
}

export function benchGatewayConfig(options: BenchConfigOptions): Record<string, unknown> {
  return {
    version: 1,
    identity: { ttlSeconds: 300, clockSkewSeconds: 5, replayProtection: options.replayProtection },
    jwt: {
      issuers: [
        {
          name: "bench-issuer",
          issuer: DEMO_ISSUER,
          jwksUrl: options.jwksUrl,
          audiences: [DEMO_AUDIENCE],
          algorithms: ["ES256"],
        },
      ],
    },
    rateLimits: {
      policies: options.rateLimit
        ? [
            {
              name: BENCH_POLICY,
              algorithm: "sliding_window",
              limit: 1_000_000_000,
              windowSeconds: 60,
              key: ["consumer", "route"],
              failMode: "closed",
            },
          ]
        : [],
    },
    routes: [
      {
        name: "bench",
        path: BENCH_ROUTE_PREFIX,
        methods: ["GET"],
        auth: "jwt",
        upstream: options.upstreamUrl,
        rateLimit: options.rateLimit ? [BENCH_POLICY] : [],
        ...(options.serviceToken === undefined ? {} : { serviceToken: options.serviceToken }),
      },
    ],
  };
}

export function writeBenchGatewayConfig(file: string, options: BenchConfigOptions): void {
  writeFileSync(file, `${JSON.stringify(benchGatewayConfig(options), null, 2)}\n`);
}
