import { normalizePath } from "../routing/normalize-path.ts";

const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

/**
 * Why a configured route path or rewrite is not in normalised form, or undefined
 * if it is. Config paths must already be what normalizePath produces (minus a
 * trailing slash), so what ops write is exactly what requests are matched against.
 */
export function routePathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return 'must start with "/"';
  if (path.includes("%")) return "must not contain percent-encoding";
  if (!PATH_CHARACTERS.test(path)) {
    return 'must contain only letters, digits, "/" and - . _ ~ ! $ & \' ( ) * + , ; = : @';
  }
  if (path.includes("//")) return 'must not contain empty segments ("//")';
  if (path.split("/").some((segment) => segment === "." || segment === "..")) {
    return 'must not contain "." or ".." segments';
  }
  if (path !== "/" && path.endsWith("/")) return 'must not end with "/"';
  const normalised = normalizePath(path);
  if (!normalised.ok) return `is not a valid path: ${normalised.reason}`;
  if (normalised.path !== path) return `must be written in normalised form ("${normalised.path}")`;
  return undefined;
}
