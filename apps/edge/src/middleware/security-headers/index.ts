export { createSecurityHeaders } from "./security-headers.ts";
