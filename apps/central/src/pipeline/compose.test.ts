import { type AddressInfo, connect } from "node:net";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { composeSteps } from "./compose.ts";

const servers: Array<{ close(): void; closeAllConnections(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** The composed steps in a real Express app on a real socket; the error handler reports what reached it. */
async function serve(steps: RequestHandler[]): Promise<string> {
  const app = express();
  app.use(composeSteps(steps));
  app.use((_req, res) => {
    res.status(404).json({ reached: "after the chain", trail: res.locals.trail ?? [] });
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    res
      .status(500)
      .json({ error: error instanceof Error ? error.message : String(error), trail: res.locals.trail ?? [] });
  };
  app.use(onError);
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function mark(name: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.trail = [...(res.locals.trail ?? []), name];
    next();
  };
}

async function call(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("composeSteps", () => {
  it("runs the steps in order, and a step that answers ends the request", async () => {
    const url = await serve([
      mark("a"),
      mark("b"),
      (_req, res) => {
        res.json({ trail: res.locals.trail });
      },
      mark("never"),
    ]);
    expect(await call(url)).toEqual({ status: 200, body: { trail: ["a", "b"] } });
  });

  it("hands the request on to the app after the last step", async () => {
    const url = await serve([mark("a"), mark("b")]);
    expect(await call(url)).toEqual({ status: 404, body: { reached: "after the chain", trail: ["a", "b"] } });
  });

  it("sends next(error), a thrown error and a rejected promise to the error handler, skipping the rest", async () => {
    const viaNext = await serve([mark("a"), (_req, _res, next) => next(new Error("passed")), mark("never")]);
    expect(await call(viaNext)).toEqual({ status: 500, body: { error: "passed", trail: ["a"] } });

    const thrown = await serve([
      mark("a"),
      () => {
        throw new Error("thrown");
      },
      mark("never"),
    ]);
    expect(await call(thrown)).toEqual({ status: 500, body: { error: "thrown", trail: ["a"] } });

    const rejected = await serve([
      mark("a"),
      async () => {
        await Promise.resolve();
        throw new Error("rejected");
      },
      mark("never"),
    ]);
    expect(await call(rejected)).toEqual({ status: 500, body: { error: "rejected", trail: ["a"] } });
  });

  it("treats next('route') and next('router') as leaving the chain, as Express does for a router", async () => {
    for (const leave of ["route", "router"] as const) {
      const url = await serve([mark("a"), (_req, _res, next) => next(leave), mark("never")]);
      expect(await call(url)).toEqual({ status: 404, body: { reached: "after the chain", trail: ["a"] } });
    }
  });

  it("serves concurrent requests each with its own position in the chain", async () => {
    const url = await serve([
      mark("a"),
      (req, _res, next) => {
        setTimeout(next, req.url.endsWith("slow") ? 30 : 0);
      },
      mark("b"),
      (req, res) => {
        res.json({ url: req.url, trail: res.locals.trail });
      },
    ]);
    const [slow, fast] = await Promise.all([call(`${url}/slow`), call(`${url}/fast`)]);
    expect(slow.body).toEqual({ url: "/slow", trail: ["a", "b"] });
    expect(fast.body).toEqual({ url: "/fast", trail: ["a", "b"] });
  });

  it("starts no further step once the client has gone while a step waited", async () => {
    let clientGone: () => void = () => {};
    const gone = new Promise<void>((resolve) => {
      clientGone = resolve;
    });
    let reachedNext = 0;
    let waitingStep: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      waitingStep = resolve;
    });
    const url = await serve([
      (_req, res, next) => {
        res.once("close", clientGone);
        waitingStep();
        // Continues only after the client has left, as a step awaiting Redis might.
        void gone.then(() => next());
      },
      (_req, res) => {
        reachedNext++;
        res.json({ reached: true });
      },
    ]);
    const { port } = new URL(url);
    const socket = connect(Number(port), "127.0.0.1");
    socket.on("error", () => {});
    socket.write("GET /x HTTP/1.1\r\nHost: test\r\n\r\n");
    await waiting;
    socket.destroy();
    await gone;
    // The continuation runs in the microtask after `gone` resolved; give it a macrotask to act.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reachedNext).toBe(0);
    // The app still serves others.
    expect((await call(url)).body).toEqual({ reached: true });
    expect(reachedNext).toBe(1);
  });
});
