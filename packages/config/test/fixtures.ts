import { ConfigError } from "../src/config-error.ts";
import { validateConfig } from "../src/parse-config.ts";

/** A loosely typed document, so tests can break any field. */
// biome-ignore lint/suspicious/noExplicitAny: tests write arbitrary (invalid) shapes into the document
export type MutableDocument = Record<string, any>;

/** A small valid document (before defaults) that tests copy and break one field at a time. */
export function baseDocument() {
  return {
    version: 1,
    jwt: {
      issuers: [
        {
          name: "dev",
          issuer: "https://issuer.example",
          jwksUrl: "https://issuer.example/jwks.json",
          audiences: ["gateway-api"],
          algorithms: ["ES256"],
        },
      ],
    },
    rateLimits: {
      policies: [
        {
          name: "per-user",
          algorithm: "sliding_window",
          limit: 100,
          windowSeconds: 60,
          key: ["consumer"],
          failMode: "open",
        },
        {
          name: "per-ip",
          algorithm: "token_bucket",
          limit: 60,
          windowSeconds: 60,
          key: ["ip"],
          failMode: "closed",
        },
      ],
      edge: [{ name: "ip-coarse", kind: "binding", limit: 1000, windowSeconds: 60, key: ["ip"] }],
    },
    routes: [
      {
        name: "users",
        path: "/api/users",
        upstream: "http://127.0.0.1:8081",
        rewrite: "/users",
        rateLimit: ["per-user"],
      },
      {
        name: "public",
        path: "/api/public",
        auth: "public",
        upstream: "http://127.0.0.1:8081",
        rateLimit: ["per-ip"],
      },
    ],
  } as MutableDocument;
}

/** The issues validateConfig reports for `doc` (fails the test if it is valid). */
export function issuesOf(doc: unknown, env: Record<string, string | undefined> = {}): string[] {
  try {
    validateConfig(doc, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected the config to be invalid");
}
