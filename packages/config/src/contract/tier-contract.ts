import type { CentralConfig, EdgeConfig, HopAlgorithm, HttpMethod, RouteAuth } from "@gateway/types";

/** A route as both tiers must see it: the edge authorises and forwards it, central authorises and serves it. */
export interface ContractRoute {
  name: string;
  path: string;
  methods: HttpMethod[];
  auth: RouteAuth;
  roles: string[];
  scopes: string[];
  maxBodyBytes: number;
}

/**
 * What an edge and a central compiled from different revisions must agree on for requests to work:
 * the hop token (algorithm, lifetime central accepts), the request limits and the route table.
 * Derived the same way from either tier's compiled config, so the two can be compared and hashed.
 */
export interface TierContract {
  hop: { algorithm: HopAlgorithm };
  ttlSeconds: number;
  limits: { maxBodyBytes: number; maxHeaderBytes: number; maxHeaderCount: number; maxUrlLength: number };
  routes: ContractRoute[];
}

type Route = EdgeConfig["routes"][number] | CentralConfig["routes"][number];
type Limits = EdgeConfig["limits"];

function contractOf(
  identity: EdgeConfig["identity"],
  limits: Limits,
  routes: readonly Route[],
): TierContract {
  return {
    hop: { algorithm: identity.hop.algorithm },
    ttlSeconds: identity.ttlSeconds,
    limits: {
      maxBodyBytes: limits.maxBodyBytes,
      maxHeaderBytes: limits.maxHeaderBytes,
      maxHeaderCount: limits.maxHeaderCount,
      maxUrlLength: limits.maxUrlLength,
    },
    routes: routes
      .map((route) => ({
        name: route.name,
        path: route.path,
        methods: [...route.methods].sort(),
        auth: route.auth,
        roles: [...route.roles].sort(),
        scopes: [...route.scopes].sort(),
        maxBodyBytes: route.maxBodyBytes,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

export function edgeContract(config: EdgeConfig): TierContract {
  return contractOf(config.identity, config.limits, config.routes);
}

export function centralContract(config: CentralConfig): TierContract {
  return contractOf(config.identity, config.limits, config.routes);
}

/** One disagreement: `error` breaks requests, `warning` is reported but allowed (e.g. a route only central has). */
export interface ContractIssue {
  severity: "error" | "warning";
  /** Where, in config terms: `identity.hop.algorithm`, `routes[users].methods`. */
  path: string;
  message: string;
}

const list = (values: readonly string[]) => (values.length === 0 ? "none" : values.join(", "));

function compareRoute(edge: ContractRoute, central: ContractRoute): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const at = (field: string) => `routes[${edge.name}].${field}`;
  const error = (field: string, message: string) =>
    issues.push({ severity: "error", path: at(field), message });
  if (edge.path !== central.path) {
    error("path", `the edge forwards ${edge.path}, central serves ${central.path}`);
  }
  const missing = edge.methods.filter((method) => !(central.methods as string[]).includes(method));
  if (missing.length > 0) {
    error("methods", `the edge forwards ${list(missing)}, which central answers with 405`);
  }
  if (edge.auth !== central.auth) {
    error("auth", `the edge applies auth ${edge.auth}, central ${central.auth}`);
  }
  for (const field of ["roles", "scopes"] as const) {
    if (edge[field].join(",") !== central[field].join(",")) {
      error(field, `the edge requires ${list(edge[field])}, central ${list(central[field])}`);
    }
  }
  if (edge.maxBodyBytes > central.maxBodyBytes) {
    error(
      "maxBodyBytes",
      `the edge accepts bodies up to ${edge.maxBodyBytes} bytes, central refuses more than ${central.maxBodyBytes}`,
    );
  }
  return issues;
}

/**
 * Every way an edge compiled with one config and a central running another would disagree,
 * with the config path it is about. Order: identity, limits, then routes by name.
 */
export function compareContracts(edge: TierContract, central: TierContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  if (edge.hop.algorithm !== central.hop.algorithm) {
    issues.push({
      severity: "error",
      path: "identity.hop.algorithm",
      message: `the edge signs hop tokens with ${edge.hop.algorithm}, central verifies ${central.hop.algorithm}`,
    });
  }
  if (edge.ttlSeconds > central.ttlSeconds) {
    issues.push({
      severity: "error",
      path: "identity.ttlSeconds",
      message: `the edge's tokens live ${edge.ttlSeconds} s, central refuses tokens that live longer than ${central.ttlSeconds} s`,
    });
  }
  for (const key of Object.keys(edge.limits) as Array<keyof TierContract["limits"]>) {
    if (edge.limits[key] > central.limits[key]) {
      issues.push({
        severity: "error",
        path: `limits.${key}`,
        message: `the edge allows ${edge.limits[key]}, central refuses more than ${central.limits[key]}`,
      });
    }
  }
  const centralRoutes = new Map(central.routes.map((route) => [route.name, route]));
  const edgeNames = new Set(edge.routes.map((route) => route.name));
  for (const route of edge.routes) {
    const other = centralRoutes.get(route.name);
    if (other === undefined) {
      issues.push({
        severity: "error",
        path: `routes[${route.name}]`,
        message: `the edge forwards ${route.path}, central has no route "${route.name}"`,
      });
    } else {
      issues.push(...compareRoute(route, other));
    }
  }
  for (const route of central.routes) {
    if (!edgeNames.has(route.name)) {
      issues.push({
        severity: "warning",
        path: `routes[${route.name}]`,
        message: `central serves ${route.path}, the edge does not forward it (unreachable through this edge)`,
      });
    }
  }
  return issues;
}
