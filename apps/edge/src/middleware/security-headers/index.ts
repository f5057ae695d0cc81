export { createSecurityHeaders, GATEWAY_RESPONSE_HEADERS } from "./security-headers.ts";
