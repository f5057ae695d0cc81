import type { LimitedBody } from "../../context.ts";

export class BodyTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`request body exceeds ${maxBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Passes the body through, stopping as soon as more than `maxBytes` have gone by.
 * Erroring the stream is not enough: workerd then ends a chunked upload as if it
 * were complete, so central would see a truncated body. The returned signal
 * aborts the subrequest instead, which drops the connection to central.
 */
export function limitBody(body: ReadableStream<Uint8Array>, maxBytes: number): LimitedBody {
  const abort = new AbortController();
  const reader = body.getReader();
  let seen = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      seen += value.byteLength;
      if (seen > maxBytes) {
        const error = new BodyTooLargeError(maxBytes);
        abort.abort(error);
        controller.error(error);
        reader.cancel(error).catch(() => {});
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { stream, signal: abort.signal, exceeded: () => abort.signal.aborted };
}
