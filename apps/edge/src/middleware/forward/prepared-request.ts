import type { SignInput } from "@gateway/identity";
import type { LimitedBody } from "../../context.ts";

/** Facts about the client's request that the identity token binds besides method and target. */
export type RequestBinding = Required<Pick<SignInput, "clientIp">> &
  Pick<SignInput, "forwardedProto" | "forwardedHost" | "country" | "continent">;

/**
 * A request to central, ready except for the identity token: what `createForwardRequest`
 * puts in the context and `createForward` signs and sends. Steps in between may
 * change it (the token is signed over whatever leaves) or answer without it.
 */
export interface PreparedRequest {
  /** Central's base URL + the normalised path + the raw query string. */
  url: URL;
  method: string;
  /** What central receives, minus X-Gateway-Identity (added by signIdentity, last). */
  headers: Headers;
  /** The client's body, its size limit enforced as it streams; null when there is none. */
  body: LimitedBody | null;
  binding: RequestBinding;
}

/** `base` (no trailing slash; a path prefix is kept) + path + "?query" when there is one. */
export function centralUrlFor(base: string, path: string, query: string | undefined): URL {
  return new URL(`${base}${path}${query === undefined ? "" : `?${query}`}`);
}
