/** Central's Retry-After is trusted up to this; a longer block is still remembered, for this long. */
export const MAX_REMEMBERED_RETRY_AFTER_SECONDS = 3600;

/** Bigger 429 bodies are not central's error shape; they are passed through unread. */
const MAX_ERROR_BODY_BYTES = 4096;

/**
 * Seconds to block for, if `response` is central's own rate-limit answer: 429,
 * delta-seconds Retry-After ≥ 1, and the JSON error code rate_limited.
 * Returns the body text it read (the caller must reuse it: the stream is consumed).
 */
export async function centralRateLimit(
  response: Response,
): Promise<{ retryAfterSeconds: number | undefined; bodyText: string }> {
  const retryAfter = /^\s*(\d{1,10})\s*$/.exec(response.headers.get("retry-after") ?? "");
  const declaredLength = Number(response.headers.get("content-length") ?? "0");
  if (!retryAfter || declaredLength > MAX_ERROR_BODY_BYTES) {
    return { retryAfterSeconds: undefined, bodyText: await response.text() };
  }
  const bodyText = await response.text();
  const seconds = Number(retryAfter[1]);
  if (seconds < 1 || !isRateLimitedBody(bodyText)) return { retryAfterSeconds: undefined, bodyText };
  return { retryAfterSeconds: Math.min(seconds, MAX_REMEMBERED_RETRY_AFTER_SECONDS), bodyText };
}

function isRateLimitedBody(text: string): boolean {
  if (text.length > MAX_ERROR_BODY_BYTES) return false;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown } };
    return body?.error?.code === "rate_limited";
  } catch {
    return false;
  }
}

/** The policy name of a RateLimit header item: `"per-user";r=0;t=12` → per-user. */
export function rateLimitPolicyName(header: string | null): string | undefined {
  return header === null ? undefined : /^\s*"([^"\\]{1,64})"/.exec(header)?.[1];
}
