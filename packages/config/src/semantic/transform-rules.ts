import {
  CLIENT_TRUST_HEADER_PREFIXES,
  CLIENT_TRUST_HEADERS,
  DEFAULT_STRIP_HEADERS_ENTRY,
  FOREIGN_IDENTITY_HEADERS,
  HOP_BY_HOP_HEADERS,
  headerNameMatcher,
  REQUEST_ID_HEADER,
} from "@gateway/types";
import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

type ParsedRoute = ParsedConfig["routes"][number];
type Report = (path: ConfigPath, message: string) => void;

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);
const TRUST: ReadonlySet<string> = new Set(CLIENT_TRUST_HEADERS);

/** Why a request rule may not touch this (lower-case) header, or undefined. */
function requestHeaderProblem(
  header: string,
  foreignIdentity: (name: string) => boolean,
): string | undefined {
  if (header === "host") return "Host is set by the gateway from the upstream URL";
  if (HOP_BY_HOP.has(header) || header === "content-length")
    return "is a hop-by-hop or framing header, which the gateway manages";
  if (header === REQUEST_ID_HEADER) return "the gateway sets x-request-id";
  if (TRUST.has(header) || CLIENT_TRUST_HEADER_PREFIXES.some((prefix) => header.startsWith(prefix)))
    return "is an identity or gateway header: only the gateway sets it, from the verified identity";
  if (foreignIdentity(header))
    return "is an identity header other proxies set (identity.stripHeaders): services may trust it";
  return undefined;
}

const RESPONSE_MANAGED: ReadonlySet<string> = new Set([
  "content-length",
  "content-encoding",
  REQUEST_ID_HEADER,
  "proxy-status",
  "ratelimit",
  "ratelimit-policy",
]);

function responseHeaderProblem(header: string): string | undefined {
  if (HOP_BY_HOP.has(header) || RESPONSE_MANAGED.has(header) || header.startsWith("x-gateway-"))
    return "is managed by the gateway (framing, encoding, request id, Proxy-Status, rate-limit headers)";
  return undefined;
}

function checkHeaderOps(
  ops: { remove: string[]; set: Array<{ name: string }>; add: Array<{ name: string }> },
  path: ConfigPath,
  problemOf: (header: string) => string | undefined,
  report: Report,
) {
  ops.remove.forEach((header, index) => {
    const problem = problemOf(header);
    if (problem) report([...path, "remove", index], `${header} cannot be removed by a rule: ${problem}`);
  });
  for (const kind of ["set", "add"] as const) {
    for (const { name } of ops[kind]) {
      const problem = problemOf(name);
      if (problem) report([...path, kind, name], `cannot be set by a rule: ${problem}`);
    }
  }
}

/**
 * Transforms and splits of one route: header names a rule may not touch, and
 * combinations that cannot work (gRPC routes, the edge cache).
 */
export function checkTransformAndSplit(
  route: ParsedRoute,
  routePath: ConfigPath,
  stripHeaders: readonly string[],
  report: Report,
): void {
  const foreignIdentity = headerNameMatcher(
    stripHeaders.flatMap((entry) =>
      entry === DEFAULT_STRIP_HEADERS_ENTRY ? FOREIGN_IDENTITY_HEADERS : [entry],
    ),
  );
  const { transform, split } = route;
  if (transform?.request)
    checkHeaderOps(
      transform.request.headers,
      [...routePath, "transform", "request", "headers"],
      (header) => requestHeaderProblem(header, foreignIdentity),
      report,
    );
  if (transform?.response)
    checkHeaderOps(
      transform.response.headers,
      [...routePath, "transform", "response", "headers"],
      responseHeaderProblem,
      report,
    );
  split?.variants.forEach((variant, index) => {
    for (const { name } of variant.match?.headers ?? []) {
      const problem = requestHeaderProblem(name, foreignIdentity);
      if (problem)
        report(
          [...routePath, "split", "variants", index, "match", "headers", name],
          `cannot be matched: ${problem}, so clients cannot send it`,
        );
    }
  });

  if (route.grpc !== undefined) {
    if (transform !== undefined)
      report(
        [...routePath, "transform"],
        "does not apply to a grpc route (pass client headers with grpc.forwardHeaders)",
      );
    if (split !== undefined) report([...routePath, "split"], "does not apply to a grpc route");
  }
  if (split !== undefined && route.upstream !== undefined)
    report([...routePath, "split"], "a route has either upstream or split, not both");
  const cached = route.cache?.enabled;
  if (cached && split !== undefined)
    report(
      [...routePath, "cache"],
      "cannot be combined with split: the edge cache would serve one variant's response to every client",
    );
  if (cached && transform?.response?.envelope !== undefined)
    report(
      [...routePath, "transform", "response", "envelope"],
      "cannot be combined with cache: the envelope carries each request's id, a cached copy would carry another request's",
    );
}
