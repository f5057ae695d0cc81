const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined if absent or another scheme. */
export function bearerToken(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization === null) return undefined;
  return BEARER.exec(authorization)?.[1];
}

export function hasBearerScheme(headers: Headers): boolean {
  return /^Bearer(\s|$)/i.test(headers.get("authorization") ?? "");
}
