import type { IdentitySigner } from "@gateway/identity";
import type { Handler } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";
import { centralFailure } from "./central-failure.ts";
import type { CentralFetcher } from "./central-fetcher.ts";
import { clientResponse } from "./response-headers.ts";
import { signIdentity } from "./sign-identity.ts";

export interface ForwardOptions {
  signer: IdentitySigner;
  fetcher: CentralFetcher;
}

/**
 * The last step: signs the identity into the context's `forwardRequest`
 * (see createForwardRequest), sends it with the fetcher and hands central's
 * response to the client without its hop-by-hop, banner and CORS headers.
 */
export function createForward(options: ForwardOptions): Handler<EdgeHonoEnv> {
  return async (c) => {
    const request = await signIdentity(c.get("forwardRequest"), c.get("identity"), options.signer);
    let upstream: Response;
    const sentAt = Date.now();
    try {
      upstream = await options.fetcher.fetch(request);
      c.set("upstreamLatencyMs", Date.now() - sentAt);
    } catch (error) {
      throw centralFailure(error, request, {
        requestId: c.get("requestId"),
        maxBodyBytes: c.get("route").maxBodyBytes,
      });
    }
    c.set("proxied", true);
    return clientResponse(upstream);
  };
}
