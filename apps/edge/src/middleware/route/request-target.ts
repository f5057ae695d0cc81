/**
 * The path and query exactly as they appear in the request URL string.
 * `new URL()` would resolve dot segments and re-encode, hiding what the client
 * sent from normalizePath; so the URL text is split by hand.
 */
export function rawRequestTarget(url: string): { path: string; query: string | undefined } {
  const schemeEnd = url.indexOf("://");
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const pathStart = firstIndexOf(url, ["/", "?", "#"], authorityStart);
  if (pathStart === -1) return { path: "/", query: undefined };
  const hashAt = url.indexOf("#", pathStart);
  const target = hashAt === -1 ? url.slice(pathStart) : url.slice(pathStart, hashAt);
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  return {
    path: path === "" ? "/" : path,
    query: queryAt === -1 ? undefined : target.slice(queryAt + 1),
  };
}

function firstIndexOf(text: string, chars: string[], from: number): number {
  let found = -1;
  for (const char of chars) {
    const at = text.indexOf(char, from);
    if (at !== -1 && (found === -1 || at < found)) found = at;
  }
  return found;
}
