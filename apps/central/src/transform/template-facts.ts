import type { TemplateVariable } from "@gateway/config/transform";
import type { GatewayContext } from "../context.ts";

/** The value of a template variable for one request; undefined renders as "". */
export function templateValue(
  variable: TemplateVariable,
  context: GatewayContext,
  method: string,
): string | undefined {
  const identity = context.identity;
  switch (variable) {
    case "identity.sub":
    case "identity.consumer":
      return identity?.sub;
    case "identity.auth":
      return identity?.auth;
    case "identity.roles":
      return identity?.roles.join(",");
    case "identity.scopes":
      return identity?.scopes.join(",");
    case "identity.tenant":
      return identity?.tenant;
    case "request.id":
      return context.requestId;
    case "request.method":
      return method;
    case "route.name":
      return context.route?.name;
    case "route.variant":
      return context.variant;
    case "client.ip":
      return context.clientIp;
    case "client.country":
      return identity?.country;
    case "client.continent":
      return identity?.continent;
  }
}
