/**
 * A listen port from an environment variable: unset or empty → `fallback`;
 * otherwise an integer 0-65535 (0 = any free port), else an Error naming the
 * variable (the value is echoed truncated, never in full).
 */
export function readPortEnv(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value.slice(0, 32)}"`);
  }
  return port;
}
