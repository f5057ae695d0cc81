import { parseDictionary } from "structured-headers";
import type { Directives } from "./cache-control.ts";

/** Targeted cache-control fields this cache obeys, most specific first (RFC 9213 §2.2). */
export const TARGETED_FIELDS = ["cloudflare-cdn-cache-control", "cdn-cache-control"] as const;

const INTEGER_DIRECTIVES = new Set(["max-age", "s-maxage", "stale-while-revalidate", "stale-if-error"]);

/**
 * The directives of the most specific valid targeted field, or undefined when
 * none is present and valid. Targeted fields are Structured Field Dictionaries
 * (RFC 8941): a field that does not parse, or a known directive of the wrong
 * type, makes the whole field invalid, and an invalid field is ignored (§2.1).
 */
export function targetedDirectives(headers: Headers): Directives | undefined {
  for (const field of TARGETED_FIELDS) {
    const value = headers.get(field);
    if (value === null) continue;
    const parsed = parseTargeted(value);
    if (parsed) return parsed;
  }
  return undefined;
}

function parseTargeted(value: string): Directives | undefined {
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(value);
  } catch {
    return undefined;
  }
  const directives: Directives = new Map();
  for (const [name, member] of dictionary) {
    const item = member[0];
    if (Array.isArray(item)) return undefined;
    if (INTEGER_DIRECTIVES.has(name)) {
      if (typeof item !== "number" || !Number.isInteger(item) || item < 0) return undefined;
      directives.set(name, String(item));
    } else if (item === true) {
      directives.set(name, true);
    } else if (typeof item === "string") {
      directives.set(name, item);
    } else if (typeof item === "number") {
      directives.set(name, String(item));
    }
    // Other value types of unknown directives are extensions: ignored.
  }
  return directives;
}
