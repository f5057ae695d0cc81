/**
 * Cache-Control as RFC 9111 §5.2 reads it: comma-separated directives, names
 * case-insensitive, values a token or a quoted-string (commas inside quotes do
 * not split). The first occurrence of a directive wins (§4.2.1 allows this for
 * duplicates); unknown extensions are kept but nobody reads them.
 */
export type Directives = Map<string, string | true>;

export function parseCacheControl(value: string | null | undefined): Directives {
  const directives: Directives = new Map();
  if (!value) return directives;
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && (value[i] === "," || value[i] === " " || value[i] === "\t")) i++;
    let name = "";
    while (i < n && value[i] !== "=" && value[i] !== ",") name += value[i++];
    name = name.trim().toLowerCase();
    let parsed: string | true = true;
    if (value[i] === "=") {
      i++;
      while (i < n && (value[i] === " " || value[i] === "\t")) i++;
      if (value[i] === '"') {
        i++;
        let quoted = "";
        while (i < n && value[i] !== '"') {
          if (value[i] === "\\" && i + 1 < n) i++;
          quoted += value[i++];
        }
        i++;
        parsed = quoted;
        while (i < n && value[i] !== ",") i++;
      } else {
        let token = "";
        while (i < n && value[i] !== ",") token += value[i++];
        parsed = token.trim();
      }
    }
    if (name !== "" && !directives.has(name)) directives.set(name, parsed);
  }
  return directives;
}

/** A delta-seconds value (§1.2.2): digits only; larger values are capped at 2^31. Otherwise undefined. */
export function deltaSeconds(value: string | true | undefined): number | undefined {
  if (typeof value !== "string" || !/^[0-9]+$/.test(value)) return undefined;
  return Math.min(Number(value), 2 ** 31);
}

/** Field names of a qualified no-cache / private ("a, b"), lower case; empty for the unqualified form. */
export function fieldNames(value: string | true | undefined): string[] {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

export function formatCacheControl(directives: Directives): string {
  return [...directives]
    .map(([name, value]) => (value === true ? name : `${name}="${value.replace(/["\\]/g, "\\$&")}"`))
    .join(", ");
}
