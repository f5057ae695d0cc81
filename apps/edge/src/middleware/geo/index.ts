export { createGeoRules } from "./geo.ts";
