import type { RouteConfig } from "@gateway/types";
import { buildGrpcSchema, type GrpcSchema } from "./schema.ts";

export interface RouteSchemas {
  /** Route name → its loaded schema, for every gRPC route. */
  schemas: Map<string, GrpcSchema>;
  /** One line per problem, starting with the route's config path and name. */
  problems: string[];
}

/**
 * Loads every gRPC route's protos. Used by central at start-up and by the
 * config CLI's `check`, so both reject exactly the same configurations.
 */
export function loadRouteSchemas(routes: readonly RouteConfig[]): RouteSchemas {
  const schemas = new Map<string, GrpcSchema>();
  const problems: string[] = [];
  routes.forEach((route, index) => {
    if (route.grpc === undefined) return;
    const where = `routes[${index}].grpc (route "${route.name}")`;
    const result = buildGrpcSchema(route.grpc);
    if (!result.ok) {
      for (const problem of result.problems) problems.push(`${where}: ${problem}`);
      return;
    }
    for (const binding of result.schema.bindings) {
      if (!(route.methods as readonly string[]).includes(binding.httpMethod))
        problems.push(
          `${where}: ${binding.grpc.fullName}: ${binding.httpMethod.toLowerCase()} "${binding.template.source}" ` +
            `is unreachable: the route allows only ${route.methods.join(", ")}`,
        );
    }
    schemas.set(route.name, result.schema);
  });
  return { schemas, problems };
}
