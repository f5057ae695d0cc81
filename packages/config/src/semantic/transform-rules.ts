import { DEFAULT_STRIP_HEADERS_ENTRY, FOREIGN_IDENTITY_HEADERS, headerNameMatcher } from "@gateway/types";
import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

type ParsedRoute = ParsedConfig["routes"][number];
type Report = (path: ConfigPath, message: string) => void;

const IDENTITY_HEADER_PROBLEM =
  "is an identity header other proxies set (identity.stripHeaders): services may trust it";

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
 * Transforms and splits of one route: the other proxies' identity headers
 * (identity.stripHeaders; the fixed list of managed headers is refused by the
 * schema, see ../schema/managed-headers.ts), and combinations that cannot work
 * (gRPC routes, the edge cache).
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
      (header) => (foreignIdentity(header) ? IDENTITY_HEADER_PROBLEM : undefined),
      report,
    );
  split?.variants.forEach((variant, index) => {
    for (const { name } of variant.match?.headers ?? []) {
      if (foreignIdentity(name))
        report(
          [...routePath, "split", "variants", index, "match", "headers", name],
          `cannot be matched: ${IDENTITY_HEADER_PROBLEM}, and clients' copies are removed`,
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
