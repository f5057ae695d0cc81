export {
  createSecurityHeaders,
  GATEWAY_RESPONSE_HEADERS,
  STRICT_TRANSPORT_SECURITY,
} from "./security-headers.ts";
