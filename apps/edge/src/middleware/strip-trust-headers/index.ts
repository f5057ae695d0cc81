export { withoutHopByHop } from "./hop-by-hop.ts";
export { createStripTrustHeaders } from "./strip-trust-headers.ts";
