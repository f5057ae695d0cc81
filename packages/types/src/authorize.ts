/** What a route demands of the caller beyond authentication. */
export interface RequiredGrants {
  roles: readonly string[];
  scopes: readonly string[];
}

/** "role" or "scope" when the caller lacks one the route lists (roles checked first), else undefined. */
export function missingGrant(
  route: RequiredGrants,
  caller: { roles: readonly string[]; scopes: readonly string[] },
): "role" | "scope" | undefined {
  if (route.roles.some((role) => !caller.roles.includes(role))) return "role";
  if (route.scopes.some((scope) => !caller.scopes.includes(scope))) return "scope";
  return undefined;
}
