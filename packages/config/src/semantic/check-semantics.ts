import { RATE_LIMIT_BINDING_PERIODS, rateLimitBindingName } from "../edge-rate-limit-bindings.ts";
import type { ConfigIssue, ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";
import { checkCache } from "./cache-rules.ts";
import { checkCors } from "./cors-rules.ts";
import { edgeStricterThanCentral } from "./cross-tier.ts";
import { checkGeoSources } from "./geo-rules.ts";
import { checkResilience } from "./resilience-rules.ts";
import { checkWebSocket } from "./websocket-rules.ts";

/** Central serves its own endpoints (e.g. the edge's API key verification) under this prefix. */
const RESERVED_PREFIX = "/_gateway";

const BURST_ALGORITHMS = new Set(["token_bucket", "gcra"]);

/** Rules that span fields: uniqueness, references, consistency and cross-tier limits. */
export function checkSemantics(config: ParsedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: ConfigPath, message: string) => issues.push({ path, message });

  checkTimeouts(config, report);
  checkServiceTokens(config, report);
  checkIssuers(config, report);
  checkPolicies(config, report);
  checkRoutes(config, report);
  checkGeoSources(config, report);
  return issues;
}

type Report = (path: ConfigPath, message: string) => void;

function checkServiceTokens({ identity, routes }: ParsedConfig, report: Report) {
  routes.forEach((route, index) => {
    if (route.reuseSeconds === undefined) return;
    if (route.serviceToken !== "reuse") {
      report(["routes", index, "reuseSeconds"], "only applies with serviceToken: reuse");
    } else if (route.reuseSeconds * 2 > identity.ttlSeconds) {
      report(
        ["routes", index, "reuseSeconds"],
        `must be at most half of identity.ttlSeconds (${Math.floor(identity.ttlSeconds / 2)}), so a reused token always has time left when it reaches the service`,
      );
    }
  });
  if (identity.ttlSeconds < 2 && routes.some((route) => route.serviceToken === "reuse")) {
    report(["identity", "ttlSeconds"], "must be at least 2 when a route uses serviceToken: reuse");
  }
}

function checkTimeouts({ identity, limits }: ParsedConfig, report: Report) {
  if (identity.clockSkewSeconds >= identity.ttlSeconds) {
    report(
      ["identity", "clockSkewSeconds"],
      `must be less than identity.ttlSeconds (${identity.ttlSeconds})`,
    );
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    report(
      ["limits", "headersTimeoutMs"],
      `must not exceed limits.requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  }
}

function checkIssuers({ jwt, limits }: ParsedConfig, report: Report) {
  reportDuplicates(jwt.issuers, (issuer) => issuer.name, ["jwt", "issuers"], "issuer name", report);
  jwt.issuers.forEach((issuer, index) => {
    const path = ["jwt", "issuers", index];
    if (issuer.jwksMinRefetchSeconds > issuer.jwksCacheSeconds) {
      report(
        [...path, "jwksMinRefetchSeconds"],
        `must not exceed jwksCacheSeconds (${issuer.jwksCacheSeconds})`,
      );
    }
    if (issuer.maxTokenBytes > limits.maxHeaderBytes) {
      report([...path, "maxTokenBytes"], `must not exceed limits.maxHeaderBytes (${limits.maxHeaderBytes})`);
    }
  });
}

function checkPolicies({ rateLimits }: ParsedConfig, report: Report) {
  reportDuplicates(rateLimits.policies, (p) => p.name, ["rateLimits", "policies"], "policy name", report);
  reportDuplicates(rateLimits.edge, (p) => p.name, ["rateLimits", "edge"], "edge policy name", report);
  checkEdgeBindings(rateLimits.edge, report);
  rateLimits.policies.forEach((policy, index) => {
    if (policy.burst !== undefined && !BURST_ALGORITHMS.has(policy.algorithm)) {
      report(
        ["rateLimits", "policies", index, "burst"],
        `only applies to token_bucket and gcra, not ${policy.algorithm}`,
      );
    }
  });
}

/** `kind: binding` policies become wrangler `ratelimits` entries: a period of 10 or 60 s, one binding name each. */
function checkEdgeBindings(policies: ParsedConfig["rateLimits"]["edge"], report: Report) {
  const firstByBinding = new Map<string, number>();
  policies.forEach((policy, index) => {
    if (policy.kind !== "binding") return;
    if (!RATE_LIMIT_BINDING_PERIODS.includes(policy.windowSeconds)) {
      report(
        ["rateLimits", "edge", index, "windowSeconds"],
        "must be 10 or 60 for kind binding (the only periods of the Workers Rate Limiting binding); use kind durable_object for other windows",
      );
    }
    const binding = rateLimitBindingName(policy.name);
    const first = firstByBinding.get(binding);
    if (first === undefined) firstByBinding.set(binding, index);
    // The same name twice is already reported as a duplicate policy name.
    else if (policies[first]?.name !== policy.name)
      report(
        ["rateLimits", "edge", index, "name"],
        `binding name ${binding} is also that of rateLimits.edge[${first}]: rename one policy`,
      );
  });
}

function checkRoutes(config: ParsedConfig, report: Report) {
  const { routes, jwt, rateLimits, limits } = config;
  reportDuplicates(routes, (route) => route.name, ["routes"], "route name", report, "name");
  reportDuplicates(routes, (route) => route.path, ["routes"], "route path", report, "path");

  const issuerNames = jwt.issuers.map((issuer) => issuer.name);
  const policiesByName = new Map(rateLimits.policies.map((policy) => [policy.name, policy]));
  const edgePoliciesByName = new Map(rateLimits.edge.map((policy) => [policy.name, policy]));

  routes.forEach((route, index) => {
    const path = ["routes", index];
    if (route.auth === "jwt" && issuerNames.length === 0) {
      report([...path, "auth"], 'auth "jwt" needs at least one issuer in jwt.issuers');
    }
    if (route.issuers.length > 0 && (route.auth === "public" || route.auth === "api_key")) {
      report([...path, "issuers"], `only applies when auth is jwt or any, not ${route.auth}`);
    }
    route.issuers.forEach((issuer, i) => {
      if (!issuerNames.includes(issuer)) {
        report(
          [...path, "issuers", i],
          `unknown issuer "${issuer}" (configured: ${listOrNone(issuerNames)})`,
        );
      }
    });
    if (route.auth === "public") {
      if (route.roles.length > 0) report([...path, "roles"], "a public route cannot require roles");
      if (route.scopes.length > 0) report([...path, "scopes"], "a public route cannot require scopes");
    }
    if (route.path === RESERVED_PREFIX || route.path.startsWith(`${RESERVED_PREFIX}/`)) {
      report([...path, "path"], `${RESERVED_PREFIX} is reserved for the gateway's own endpoints`);
    }
    if (route.apiKeyQueryParam !== undefined && route.auth !== "api_key" && route.auth !== "any") {
      report([...path, "apiKeyQueryParam"], `only applies when auth is api_key or any, not ${route.auth}`);
    }
    checkCors(route, path, report);
    checkResilience(route, path, report);
    checkUpstreamKind(route, path, report);
    checkCache(route, path, report);
    checkWebSocket(route, path, report);
    if (route.maxBodyBytes !== undefined && route.maxBodyBytes > limits.maxBodyBytes) {
      report([...path, "maxBodyBytes"], `must not exceed limits.maxBodyBytes (${limits.maxBodyBytes})`);
    }

    route.rateLimit.forEach((policyName, i) => {
      const policy = policiesByName.get(policyName);
      if (!policy) {
        const known = listOrNone([...policiesByName.keys()]);
        report([...path, "rateLimit", i], `unknown policy "${policyName}" (rateLimits.policies: ${known})`);
        return;
      }
      const anonymousPart = policy.key.find((part) => part === "consumer" || part === "tenant");
      if (route.auth === "public" && anonymousPart) {
        report(
          [...path, "rateLimit", i],
          `policy "${policyName}" is keyed by ${anonymousPart}, which a public route does not have`,
        );
      }
    });

    route.edgeRateLimit.forEach((policyName, i) => {
      const edgePolicy = edgePoliciesByName.get(policyName);
      if (!edgePolicy) {
        const known = listOrNone([...edgePoliciesByName.keys()]);
        report(
          [...path, "edgeRateLimit", i],
          `unknown edge policy "${policyName}" (rateLimits.edge: ${known})`,
        );
        return;
      }
      if (route.auth === "public" && edgePolicy.key.includes("consumer")) {
        report(
          [...path, "edgeRateLimit", i],
          `edge policy "${policyName}" is keyed by consumer, which a public route does not have`,
        );
      }
      for (const centralName of route.rateLimit) {
        const central = policiesByName.get(centralName);
        const problem = central && edgeStricterThanCentral(edgePolicy, central);
        if (problem) report([...path, "edgeRateLimit", i], problem);
      }
    });
  });
}

/** An HTTP upstream or a gRPC one, never both; a gRPC route maps paths by its proto rules, not by rewrite. */
function checkUpstreamKind(route: ParsedConfig["routes"][number], path: ConfigPath, report: Report) {
  if (route.grpc === undefined) return; // a missing upstream is a schema error

  if (route.upstream !== undefined)
    report([...path, "grpc"], "a route has either upstream or grpc, not both");
  if (route.rewrite !== undefined)
    report(
      [...path, "rewrite"],
      "does not apply to a grpc route (its paths come from google.api.http rules)",
    );
}

function reportDuplicates<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  listPath: ConfigPath,
  what: string,
  report: Report,
  field = "name",
) {
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else
      report(
        [...listPath, index, field],
        `duplicate ${what} "${key}" (also at ${formatIndex(listPath, first)})`,
      );
  });
}

function formatIndex(listPath: ConfigPath, index: number): string {
  return `${listPath.join(".")}[${index}]`;
}

function listOrNone(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
