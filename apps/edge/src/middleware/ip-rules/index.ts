export { createIpRules } from "./ip-rules.ts";
