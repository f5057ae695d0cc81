import type { Identity } from "@gateway/types";
import type { EdgeRoute } from "../../context.ts";

/** The request target as received (query raw, without "?"); API keys may come in the query. */
export type RequestTargetView = { query: string | undefined };

/** One way of proving who the caller is (JWT, API key, ...). Throws GatewayError on failure. */
export interface Authenticator {
  /** Whether the request carries this method's credentials at all (used to pick one on `any` routes). */
  hasCredentials(headers: Headers, target?: RequestTargetView, route?: EdgeRoute): boolean;
  authenticate(headers: Headers, route: EdgeRoute, target?: RequestTargetView): Promise<Identity>;
}

export const ANONYMOUS: Readonly<Identity> = Object.freeze({
  sub: "anonymous",
  auth: "anonymous",
  roles: [],
  scopes: [],
});
