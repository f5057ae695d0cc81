import type { LimitedBody } from "../../context.ts";

export class BodyTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`request body exceeds ${maxBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export class MalformedBodyError extends Error {
  constructor(cause: unknown) {
    super("the request body could not be read (malformed chunked encoding or a dropped connection)", {
      cause,
    });
    this.name = "MalformedBodyError";
  }
}

/**
 * Passes the body through, stopping as soon as more than `maxBytes` have gone by.
 * Erroring the stream is not enough: workerd then ends a chunked upload as if it
 * were complete, so central would see a truncated body. The returned signal
 * aborts the subrequest instead, which drops the connection to central. The same holds when
 * reading the client's body fails (an invalid chunk size, a connection lost mid-body).
 */
export function limitBody(body: ReadableStream<Uint8Array>, maxBytes: number): LimitedBody {
  const abort = new AbortController();
  const reader = body.getReader();
  let seen = 0;
  let failure: "too_large" | "malformed" | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        const error = new MalformedBodyError(cause);
        failure = "malformed";
        abort.abort(error);
        controller.error(error);
        return;
      }
      const { done, value } = chunk;
      if (done) {
        controller.close();
        return;
      }
      seen += value.byteLength;
      if (seen > maxBytes) {
        const error = new BodyTooLargeError(maxBytes);
        failure = "too_large";
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
  return {
    stream,
    signal: abort.signal,
    exceeded: () => failure === "too_large",
    malformed: () => failure === "malformed",
  };
}
