import type { NewUser } from "./users-store.ts";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLE = /^[A-Za-z0-9:._-]{1,64}$/;
const FIELDS: ReadonlySet<string> = new Set(["name", "email", "roles"]);

/** Validates a POST /users body. Unknown fields are rejected so typos surface. */
export function parseNewUser(body: unknown): Parsed<NewUser> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, message: "body must be a JSON object" };
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) return { ok: false, message: `unknown field "${unknown}"` };

  const { name, email, roles = [] } = input;
  if (typeof name !== "string" || name.trim() === "" || name.length > 100) {
    return { ok: false, message: '"name" must be a non-blank string of at most 100 characters' };
  }
  if (typeof email !== "string" || email.length > 254 || !EMAIL.test(email)) {
    return { ok: false, message: '"email" must be an email address' };
  }
  if (
    !Array.isArray(roles) ||
    roles.length > 20 ||
    !roles.every((role) => typeof role === "string" && ROLE.test(role))
  ) {
    return { ok: false, message: '"roles" must be an array of at most 20 role names ([A-Za-z0-9:._-])' };
  }
  return { ok: true, value: { name: name.trim(), email: email.toLowerCase(), roles: [...new Set(roles)] } };
}
