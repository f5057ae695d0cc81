import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

/**
 * Behind a proxy (geo.countryHeader set) the continent comes only from
 * geo.continentHeader: without it a continent list could never match, and an
 * allowContinents list would refuse everyone.
 */
export function checkGeoSources(
  { geo, routes }: ParsedConfig,
  report: (path: ConfigPath, message: string) => void,
) {
  if (!geo?.countryHeader || geo.continentHeader) return;
  routes.forEach((route, index) => {
    for (const key of ["allowContinents", "denyContinents"] as const) {
      if ((route.geo?.[key].length ?? 0) > 0) {
        report(
          ["routes", index, "geo", key],
          "needs geo.continentHeader: with geo.countryHeader set, request.cf is not used",
        );
      }
    }
  });
}
