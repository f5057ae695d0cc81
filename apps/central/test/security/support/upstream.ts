import { type RecordingUpstream, startUpstream } from "../../support/upstream.ts";

export interface WatchedUpstream extends RecordingUpstream {
  /** Targets of every request whose head reached the upstream, complete or not. */
  started: string[];
}

/** The shared recording upstream, plus a record of requests that started but may never have completed. */
export async function startWatchedUpstream(): Promise<WatchedUpstream> {
  const upstream = await startUpstream();
  const started: string[] = [];
  upstream.server.on("request", (req: { url?: string }) => started.push(req.url ?? ""));
  return Object.assign(upstream, { started });
}
