import type { PreparedRequest } from "./prepared-request.ts";

/**
 * How a signed request reaches central. Resolves with central's response as is
 * (redirects are not followed); rejects when central cannot be reached or the
 * body's limit aborted the upload.
 */
export interface CentralFetcher {
  fetch(request: PreparedRequest): Promise<Response>;
}

/** The default: one subrequest with the Workers fetch (or `fetchImpl`). */
export function createCentralFetcher(
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): CentralFetcher {
  return {
    fetch: ({ url, method, headers, body }) =>
      fetchImpl(url, {
        method,
        headers,
        body: body?.stream ?? null,
        redirect: "manual",
        // Aborting drops the connection, so central never sees a truncated body as complete.
        ...(body ? { signal: body.signal } : {}),
      }),
  };
}
