import { HOP_BY_HOP_HEADERS, isClientTrustHeader } from "@gateway/types";
import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

type ParsedRoute = ParsedConfig["routes"][number];
type Report = (path: ConfigPath, message: string) => void;

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/** routes[].cache rules that need more than one field. */
export function checkCache(route: ParsedRoute, routePath: ConfigPath, report: Report): void {
  const cache = route.cache;
  if (!cache) return;
  const path = [...routePath, "cache"];
  if (!route.methods.includes("GET")) {
    report(path, `the route's methods (${route.methods.join(", ")}) exclude GET, so nothing could be cached`);
  }
  cache.keyBy.forEach((part, i) => {
    if (route.auth === "public") {
      report([...path, "keyBy", i], `a public route has no ${part} to key the cache by`);
    }
  });
  cache.vary.forEach((name, i) => {
    if (isClientTrustHeader(name) || HOP_BY_HOP.has(name) || name === "host") {
      report(
        [...path, "vary", i],
        `"${name}" is removed or fixed by the gateway, so varying on it has no effect`,
      );
    } else if (name === "authorization" || name === "x-api-key") {
      report(
        [...path, "vary", i],
        `varying on "${name}" keys the cache by raw credentials; use keyBy: [consumer] instead`,
      );
    }
  });
}
