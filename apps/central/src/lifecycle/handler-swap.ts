import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

/** One composed central: the request handler of one config, and what releases its resources. */
export interface HandlerGeneration {
  handler: RequestListener;
  /** Called once, after the generation is retired and its last request has ended. */
  close(): void;
}

interface Tracked {
  generation: HandlerGeneration;
  active: number;
  retired: boolean;
  closed: boolean;
}

export interface HandlerSwap {
  /** The listener the server keeps for its lifetime; each request goes to the generation current at its arrival. */
  readonly listener: RequestListener;
  /** New requests go to `next`; the previous generation closes once its in-flight requests have ended. */
  swap(next: HandlerGeneration): void;
  /** Requests dispatched and not yet ended (response finished or connection closed), all generations. */
  inFlight(): number;
  /** Every in-flight response (for draining: e.g. to add `Connection: close`). */
  responses(): Iterable<ServerResponse>;
  /** Resolves the next time no request is in flight (at once if none is). */
  idle(): Promise<void>;
  /** Calls `listener` whenever a response ends (draining closes the connections that became idle). */
  onResponseEnd(listener: (res: ServerResponse) => void): void;
  /** Retires the current generation too and closes every generation now, in-flight requests or not. */
  closeAll(): void;
}

/**
 * A stable request listener in front of swappable handlers (config reload): a request is served
 * from start to end by the handler that was current when it arrived, so a reload never changes
 * the behaviour of a request under way, and the old handler's resources (upstream sockets, gRPC
 * channels) are released only after its last request.
 */
export function createHandlerSwap(initial: HandlerGeneration): HandlerSwap {
  const generations = new Set<Tracked>();
  const open = new Set<ServerResponse>();
  const endListeners: Array<(res: ServerResponse) => void> = [];
  let idleWaiters: Array<() => void> = [];
  const track = (generation: HandlerGeneration): Tracked => {
    const tracked = { generation, active: 0, retired: false, closed: false };
    generations.add(tracked);
    return tracked;
  };
  let current = track(initial);

  const closeIfDone = (tracked: Tracked) => {
    if (!tracked.retired || tracked.active > 0 || tracked.closed) return;
    tracked.closed = true;
    generations.delete(tracked);
    tracked.generation.close();
  };

  const listener: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const tracked = current;
    tracked.active++;
    open.add(res);
    res.once("close", () => {
      tracked.active--;
      open.delete(res);
      for (const notify of endListeners) notify(res);
      closeIfDone(tracked);
      if (open.size === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
    tracked.generation.handler(req, res);
  };

  return {
    listener,
    swap(next) {
      const previous = current;
      current = track(next);
      previous.retired = true;
      closeIfDone(previous);
    },
    inFlight: () => open.size,
    responses: () => open.values(),
    idle: () =>
      open.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idleWaiters.push(resolve);
          }),
    onResponseEnd(notify) {
      endListeners.push(notify);
    },
    closeAll() {
      for (const tracked of generations) {
        tracked.retired = true;
        tracked.active = 0;
        closeIfDone(tracked);
      }
    },
  };
}
