/** The path part of a request target (`/a/b?x=1` → `/a/b`). */
export function targetPath(target: string): string {
  const queryAt = target.indexOf("?");
  return queryAt === -1 ? target : target.slice(0, queryAt);
}

/** The query part of a request target including its `?` (`/a?x=1` → `?x=1`), or "". */
export function targetQuery(target: string): string {
  const queryAt = target.indexOf("?");
  return queryAt === -1 ? "" : target.slice(queryAt);
}
