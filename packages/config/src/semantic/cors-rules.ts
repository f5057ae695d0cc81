import { HOP_BY_HOP_HEADERS, isClientTrustHeader } from "@gateway/types";
import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

type ParsedRoute = ParsedConfig["routes"][number];
type Report = (path: ConfigPath, message: string) => void;

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/** routes[].cors rules that need more than one field: wildcard use, methods, headers the gateway drops. */
export function checkCors(route: ParsedRoute, routePath: ConfigPath, report: Report): void {
  const cors = route.cors;
  if (!cors) return;
  const path = [...routePath, "cors"];

  const wildcard = cors.origins.indexOf("*");
  if (wildcard !== -1 && cors.credentials) {
    report(
      [...path, "origins", wildcard],
      '"*" cannot be combined with credentials: true (browsers refuse it; list the exact origins)',
    );
  } else if (wildcard !== -1 && cors.origins.length > 1) {
    report([...path, "origins", wildcard], '"*" must be the only origin when it is used');
  }

  const routeMethods: readonly string[] = route.methods;
  cors.methods?.forEach((method, i) => {
    if (!routeMethods.includes(method)) {
      report(
        [...path, "methods", i],
        `${method} is not one of the route's methods (${routeMethods.join(", ")})`,
      );
    }
  });

  for (const field of ["headers", "exposeHeaders"] as const) {
    cors[field].forEach((name, i) => {
      if (isClientTrustHeader(name) || HOP_BY_HOP.has(name)) {
        report([...path, field, i], `"${name}" is removed by the gateway, so listing it has no effect`);
      }
    });
  }
}
