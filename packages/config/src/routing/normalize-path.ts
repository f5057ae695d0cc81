/**
 * Request-path normalisation shared by the edge and central tiers. Both tiers
 * match routes, check auth and forward upstream using ONLY the normalised path,
 * so a path can never mean one thing to the gateway and another to a service.
 *
 * The rule (input: the path part of the request target, query already split off):
 *
 * 1. It must start with "/".
 * 2. Raw characters: controls, space, DEL and non-ASCII are rejected; so are a raw
 *    backslash, "?" and "#". Other printable ASCII outside RFC 3986 `pchar`
 *    (e.g. `|`, `[`, `"`) is percent-encoded.
 * 3. Percent-encoding: "%" must be followed by two hex digits. `%00` (null),
 *    `%2F` and `%5C` (encoded slash / backslash) and encoded control characters
 *    are rejected. Encoded bytes >= 0x80 must form valid, shortest-form UTF-8
 *    (so overlong `%C0%AE` is rejected); they stay encoded. Encoded unreserved
 *    characters (ALPHA DIGIT - . _ ~) are decoded; every other escape stays
 *    encoded with uppercase hex. Nothing is decoded twice (`%252E` stays `%252E`).
 * 4. Empty segments are dropped ("//" collapses to "/").
 * 5. Dot segments are removed as in RFC 3986 5.2.4, after decoding (so `%2e%2e`
 *    is ".."); ".." above the root stays at the root. A segment that is "." or
 *    ".." followed by path parameters (`..;x`, `.%3B`) is rejected, because
 *    some servers strip `;...` and would then see a dot segment.
 * 6. A trailing "/" is kept (also when the last segment was "." or "..").
 *
 * The result is idempotent: normalizePath(result.path) returns result.path.
 */

export type NormalizeResult = { ok: true; path: string } | { ok: false; reason: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
// pchar minus "%" (handled separately): unreserved, sub-delims, ":" and "@".
const RAW_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

export function normalizePath(rawPath: string): NormalizeResult {
  if (!rawPath.startsWith("/")) return fail("path must start with /");

  const decoded = decodeSegments(rawPath);
  if (!decoded.ok) return decoded;

  const output: string[] = [];
  let trailingSlash = rawPath.endsWith("/");
  const segments = decoded.segments;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string;
    const isLast = index === segments.length - 1;
    if (segment === "." || segment === "..") {
      if (segment === "..") output.pop();
      if (isLast) trailingSlash = true;
      continue;
    }
    if (isDotSegmentWithParameters(segment)) return fail("dot segment with path parameters");
    output.push(segment);
  }

  if (output.length === 0) return { ok: true, path: "/" };
  return { ok: true, path: `/${output.join("/")}${trailingSlash ? "/" : ""}` };
}

type DecodeResult = { ok: true; segments: string[] } | { ok: false; reason: string };

/** Splits on "/", drops empty segments, and applies the character and percent-encoding rules. */
function decodeSegments(rawPath: string): DecodeResult {
  const segments: string[] = [];
  let current = "";
  let index = 0;
  while (index < rawPath.length) {
    const char = rawPath[index] as string;
    if (char === "/") {
      if (current !== "") segments.push(current);
      current = "";
      index++;
      continue;
    }
    if (char === "%") {
      const decodedEscape = decodeEscapeSequence(rawPath, index);
      if (!decodedEscape.ok) return decodedEscape;
      current += decodedEscape.text;
      index = decodedEscape.next;
      continue;
    }
    const code = char.charCodeAt(0);
    if (code === 0) return fail("null byte");
    if (code < 0x20 || code === 0x7f) return fail("control character");
    if (code > 0x7f) return fail("non-ASCII character (must be percent-encoded UTF-8)");
    if (char === " ") return fail("space character");
    if (char === "\\") return fail("backslash");
    if (char === "?" || char === "#") return fail(`"${char}" in path`);
    current += RAW_ALLOWED.test(char) ? char : percentEncode(code);
    index++;
  }
  if (current !== "") segments.push(current);
  return { ok: true, segments };
}

type EscapeResult = { ok: true; text: string; next: number } | { ok: false; reason: string };

/** Decodes the escape at `start` (and, for UTF-8, its continuation escapes). */
function decodeEscapeSequence(rawPath: string, start: number): EscapeResult {
  const first = readEscape(rawPath, start);
  if (first === undefined) return fail("invalid percent-encoding");
  if (first === 0x00) return fail("encoded null byte");
  if (first === 0x2f) return fail("encoded slash (%2F)");
  if (first === 0x5c) return fail("encoded backslash (%5C)");
  if (first < 0x20 || first === 0x7f) return fail("encoded control character");
  if (first < 0x80) {
    const char = String.fromCharCode(first);
    return { ok: true, text: UNRESERVED.test(char) ? char : percentEncode(first), next: start + 3 };
  }

  const length = utf8SequenceLength(first);
  if (length === undefined) return fail("invalid UTF-8 in percent-encoding");
  const bytes = [first];
  for (let offset = 1; offset < length; offset++) {
    const byte = readEscape(rawPath, start + offset * 3);
    if (byte === undefined || (byte & 0xc0) !== 0x80) return fail("invalid UTF-8 in percent-encoding");
    bytes.push(byte);
  }
  if (!isShortestFormScalar(bytes)) return fail("invalid UTF-8 in percent-encoding");
  return { ok: true, text: bytes.map(percentEncode).join(""), next: start + length * 3 };
}

function readEscape(rawPath: string, at: number): number | undefined {
  if (rawPath[at] !== "%") return undefined;
  const hex = rawPath.slice(at + 1, at + 3);
  return HEX_PAIR.test(hex) ? Number.parseInt(hex, 16) : undefined;
}

function utf8SequenceLength(leadByte: number): number | undefined {
  if (leadByte >= 0xc2 && leadByte <= 0xdf) return 2;
  if (leadByte >= 0xe0 && leadByte <= 0xef) return 3;
  if (leadByte >= 0xf0 && leadByte <= 0xf4) return 4;
  return undefined; // continuation byte, overlong lead (C0/C1) or beyond U+10FFFF
}

/** Rejects overlong encodings, UTF-16 surrogates and code points above U+10FFFF. */
function isShortestFormScalar(bytes: number[]): boolean {
  const [lead = 0, ...rest] = bytes;
  const leadBits = bytes.length === 2 ? lead & 0x1f : bytes.length === 3 ? lead & 0x0f : lead & 0x07;
  const codePoint = rest.reduce((value, byte) => (value << 6) | (byte & 0x3f), leadBits);
  const minimum = bytes.length === 2 ? 0x80 : bytes.length === 3 ? 0x800 : 0x10000;
  if (codePoint < minimum || codePoint > 0x10ffff) return false;
  return !(codePoint >= 0xd800 && codePoint <= 0xdfff);
}

function isDotSegmentWithParameters(segment: string): boolean {
  const semicolon = segment.search(/;|%3B/);
  if (semicolon === -1) return false;
  const beforeParameters = segment.slice(0, semicolon);
  return beforeParameters === "." || beforeParameters === "..";
}

function percentEncode(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
