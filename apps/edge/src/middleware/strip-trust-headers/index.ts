export { withoutHopByHop } from "./hop-by-hop.ts";
export { createStripTrustHeaders, sanitiseClientHeaders } from "./strip-trust-headers.ts";
