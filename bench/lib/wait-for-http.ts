/**
 * Polls `url` until it answers with a status below 500. Fails early, with the
 * child's output, if `isDead` reports the server process died.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; headers?: Record<string, string>; isDead?: () => string | undefined } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let lastProblem = "no answer";
  while (Date.now() < deadline) {
    const dead = options.isDead?.();
    if (dead !== undefined) throw new Error(dead);
    try {
      const response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`timed out waiting for ${url} (${lastProblem})`);
}
