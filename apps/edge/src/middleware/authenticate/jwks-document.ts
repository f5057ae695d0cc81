import type { JSONWebKeySet } from "jose";

export interface JwksFetchOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** Larger documents are refused, whether declared by Content-Length or found while reading. */
  maxBytes: number;
}

/** GET the issuer's JWKS: 200, at most maxBytes, JSON with a `keys` array; anything else throws. */
export async function fetchJwksDocument(url: string, options: JwksFetchOptions): Promise<JSONWebKeySet> {
  const response = await options.fetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`JWKS endpoint answered ${response.status}`);
  }
  const document: unknown = JSON.parse(await readLimited(response, options.maxBytes));
  if (typeof document !== "object" || document === null || !Array.isArray((document as JSONWebKeySet).keys)) {
    throw new Error("JWKS document has no keys array");
  }
  return document as JSONWebKeySet;
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`JWKS document larger than ${maxBytes} bytes`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`JWKS document larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
