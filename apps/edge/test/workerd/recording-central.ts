import { inject } from "vitest";

/** Whether the recording central received the request with this X-Request-Id in full (an aborted upload is not). */
export async function centralCompleted(requestId: string): Promise<boolean> {
  const response = await fetch(`${inject("servers").centralOrigin}/__completed?id=${requestId}`);
  return ((await response.json()) as { completed: boolean }).completed;
}

/** How many requests for exactly `path` the recording central received. */
export async function centralHits(path: string): Promise<number> {
  const response = await fetch(`${inject("servers").centralOrigin}/__hits?path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { hits: number }).hits;
}
