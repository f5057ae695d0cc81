import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { HeaderTransform } from "@gateway/types";

export interface ResponseTransformOptions {
  headers?: HeaderTransform;
  envelope?: { maxBodyBytes: number };
}

type WriteCallback = (error?: Error | null) => void;

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i;
/** Statuses whose body is not the resource (205 and 206 have none or a part of it). */
const NO_ENVELOPE: ReadonlySet<number> = new Set([204, 205, 206]);
/** These describe the exact bytes the service sent; after wrapping they would lie. */
const BYTE_BOUND_HEADERS = ["content-md5", "content-digest", "repr-digest", "accept-ranges"] as const;

function applyHeaderRules(res: ServerResponse, rules: HeaderTransform): void {
  for (const name of rules.remove) res.removeHeader(name);
  for (const { name, value } of rules.set) res.setHeader(name, value);
  for (const { name, value } of rules.add) res.appendHeader(name, value);
}

/** Strong validators name exact bytes; the wrapped body differs per request, so only a weak one stays true. */
function weakenEtag(res: ServerResponse): void {
  const etag = res.getHeader("etag");
  if (typeof etag === "string" && !etag.startsWith("W/")) res.setHeader("etag", `W/${etag}`);
}

function envelopeCandidate(res: ServerResponse, maxBodyBytes: number): boolean {
  const status = res.statusCode;
  if (status < 200 || status > 299 || NO_ENVELOPE.has(status)) return false;
  const type = res.getHeader("content-type");
  if (typeof type !== "string" || !JSON_MEDIA_TYPE.test(type)) return false;
  const encoding = res.getHeader("content-encoding");
  if (encoding !== undefined && String(encoding).toLowerCase() !== "identity") return false;
  const length = res.getHeader("content-length");
  return length === undefined || Number(length) <= maxBodyBytes;
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string")
    return Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

/** `{"data":<the service's JSON, byte for byte>,"requestId":"…"}`, or undefined when the body is not JSON. */
function wrap(body: Buffer, requestId: string): Buffer | undefined {
  const text = body.toString("utf8");
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  // Splicing the original text keeps numbers beyond 2^53 exactly as the service wrote them.
  return Buffer.from(
    `{"data":${text.replace(/^\uFEFF/, "").trim()},"requestId":${JSON.stringify(requestId)}}`,
  );
}

/**
 * Hooks `res` so that, when its head is about to be sent (explicitly or by the
 * first write), the route's response header rules are applied, and a 2xx
 * `application/json` body within `maxBodyBytes` is collected and sent wrapped
 * with a corrected Content-Length. A larger body, another type, an encoded body,
 * HEAD and 204/304 are passed through as they stream (HEAD loses Content-Length,
 * which would describe the unwrapped GET body). Works on whatever writes the
 * response: the proxy's relay or central's own errors.
 */
export function interceptResponse(
  res: ServerResponse,
  options: ResponseTransformOptions,
  request: { method: string; requestId: string },
): void {
  const writeHead = res.writeHead;
  const write = res.write;
  const end = res.end;
  let decided = false;
  let buffering = false;
  let chunks: Buffer[] = [];
  let size = 0;

  const sendHead = () => {
    const head = writeHead as (status: number, message?: string) => ServerResponse;
    if (res.statusMessage) head.call(res, res.statusCode, res.statusMessage);
    else head.call(res, res.statusCode);
  };

  const restore = () => {
    res.writeHead = writeHead;
    res.write = write;
    res.end = end;
  };

  const decide = () => {
    if (decided) return;
    decided = true;
    if (options.headers !== undefined) applyHeaderRules(res, options.headers);
    const envelope = options.envelope;
    if (envelope === undefined || !envelopeCandidate(res, envelope.maxBodyBytes)) return;
    if (request.method === "HEAD") {
      res.removeHeader("content-length");
      weakenEtag(res);
      for (const name of BYTE_BOUND_HEADERS) res.removeHeader(name);
      return;
    }
    buffering = true;
  };

  /** Too large after all: send what was held back unchanged and stream the rest. */
  const giveUp = (): boolean => {
    buffering = false;
    restore();
    sendHead();
    const held = Buffer.concat(chunks);
    chunks = [];
    return held.length === 0 ? true : (write as (chunk: Buffer) => boolean).call(res, held);
  };

  res.writeHead = function patchedWriteHead(this: ServerResponse, ...args: unknown[]) {
    const [status, second, third] = args as [number, unknown, unknown];
    res.statusCode = status;
    if (typeof second === "string") res.statusMessage = second;
    const given = (typeof second === "string" ? third : second) as
      | OutgoingHttpHeaders
      | unknown[]
      | undefined;
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2)
        res.appendHeader(String(given[i]), given[i + 1] as string);
    } else if (given !== undefined && given !== null) {
      for (const [name, value] of Object.entries(given)) if (value !== undefined) res.setHeader(name, value);
    }
    decide();
    if (!buffering) {
      restore();
      sendHead();
    }
    return res;
  } as ServerResponse["writeHead"];

  res.write = function patchedWrite(
    this: ServerResponse,
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    decide();
    if (!buffering) {
      restore();
      return (write as (...a: unknown[]) => boolean).call(res, chunk, encoding, callback);
    }
    const buffer = toBuffer(chunk, encoding);
    chunks.push(buffer);
    size += buffer.length;
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done as WriteCallback);
    const max = options.envelope?.maxBodyBytes ?? 0;
    return size > max ? giveUp() : true;
  } as ServerResponse["write"];

  res.end = function patchedEnd(
    this: ServerResponse,
    chunk?: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    decide();
    if (!buffering) {
      restore();
      return (end as (...a: unknown[]) => ServerResponse).call(res, chunk, encoding, callback);
    }
    const done = [chunk, encoding, callback].find((arg) => typeof arg === "function") as
      | WriteCallback
      | undefined;
    if (chunk !== undefined && typeof chunk !== "function") {
      const buffer = toBuffer(chunk, encoding);
      chunks.push(buffer);
      size += buffer.length;
    }
    buffering = false;
    restore();
    const body = Buffer.concat(chunks);
    chunks = [];
    const wrapped = size <= (options.envelope?.maxBodyBytes ?? 0) ? wrap(body, request.requestId) : undefined;
    if (wrapped !== undefined) {
      weakenEtag(res);
      for (const name of BYTE_BOUND_HEADERS) res.removeHeader(name);
    }
    const out = wrapped ?? body;
    res.setHeader("content-length", out.length);
    sendHead();
    return (end as (chunk: Buffer, callback?: WriteCallback) => ServerResponse).call(res, out, done);
  } as ServerResponse["end"];
}
