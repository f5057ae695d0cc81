// The forward seam: createForwardRequest (request ready, in the context) → [cache, ...] →
// createForward (signIdentity, then a CentralFetcher). See docs/DESIGN.md, "The edge's forward seam".
export { centralFailure } from "./central-failure.ts";
export { type CentralFetcher, createCentralFetcher } from "./central-fetcher.ts";
export { createForward, type ForwardOptions } from "./forward.ts";
export { createForwardRequest, type ForwardRequestOptions, prepareForward } from "./forward-request.ts";
export { centralUrlFor, type PreparedRequest, type RequestBinding } from "./prepared-request.ts";
export { clientResponse, clientResponseHeaders } from "./response-headers.ts";
export { signIdentity } from "./sign-identity.ts";
