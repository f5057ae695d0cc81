import {
  CONTINENT_CODES,
  type EdgeConfig,
  GatewayError,
  type GeoRuleConfig,
  type GeoSourceConfig,
} from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv, EdgeVariables } from "../../context.ts";

export interface ClientLocation {
  country: string | undefined;
  continent: string | undefined;
}

interface CfLocation {
  country?: unknown;
  continent?: unknown;
}

function upper(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value.trim().toUpperCase() : undefined;
}

/**
 * request.cf on Cloudflare. When a trusted proxy's header is configured, the
 * headers alone count: behind that proxy request.cf describes the proxy, not
 * the client. A header is never read unless configured.
 */
export function locationOf(request: Request, source: GeoSourceConfig | undefined): ClientLocation {
  if (source?.countryHeader || source?.continentHeader) {
    return {
      country: source.countryHeader ? upper(request.headers.get(source.countryHeader)) : undefined,
      continent: source.continentHeader ? upper(request.headers.get(source.continentHeader)) : undefined,
    };
  }
  const cf = (request as Request & { cf?: CfLocation }).cf;
  return { country: upper(cf?.country), continent: upper(cf?.continent) };
}

/** Deny lists win; with an allow list, only a listed country or continent passes (unknown does not). */
export function geoAdmits(rule: GeoRuleConfig, where: ClientLocation): boolean {
  const { country, continent } = where;
  if (country !== undefined && rule.denyCountries.includes(country)) return false;
  if (continent !== undefined && (rule.denyContinents as readonly string[]).includes(continent)) return false;
  if (rule.allowCountries.length === 0 && rule.allowContinents.length === 0) return true;
  return (
    (country !== undefined && rule.allowCountries.includes(country)) ||
    (continent !== undefined && (rule.allowContinents as readonly string[]).includes(continent))
  );
}

const COUNTRY = /^[A-Z][A-Z0-9]$/;
const CONTINENTS: ReadonlySet<string> = new Set(CONTINENT_CODES);

/** What central may rely on (signed into the identity token): only well-formed codes. */
function signableLocation(where: ClientLocation): EdgeVariables["location"] {
  return {
    ...(where.country !== undefined && COUNTRY.test(where.country) ? { country: where.country } : {}),
    ...(where.continent !== undefined && CONTINENTS.has(where.continent)
      ? { continent: where.continent }
      : {}),
  };
}

/**
 * Puts the client's location in the context (`location`, signed into the identity
 * token for central's geo routing), then answers 451 unavailable_for_legal_reasons
 * (or 403 geo_denied) when the route's geo rule refuses it.
 */
export function createGeoRules(config: Pick<EdgeConfig, "geo">) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const where = locationOf(c.req.raw, config.geo);
    c.set("location", signableLocation(where));
    const rule = c.get("route").geo;
    if (rule) {
      if (!geoAdmits(rule, where)) {
        const from = where.country ?? where.continent ?? "unknown";
        throw new GatewayError(
          rule.status === 451 ? "unavailable_for_legal_reasons" : "geo_denied",
          `this route is not available from your location (${from})`,
        );
      }
    }
    await next();
  });
}
