export { createGlobalIpRules, createRouteIpRules } from "./ip-rules.ts";
