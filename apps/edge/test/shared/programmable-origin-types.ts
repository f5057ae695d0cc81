/** Shapes shared by the programmable origin (Node) and the cache tests (workerd). */

/** One scripted answer of the programmable origin. */
export interface ScriptedResponse {
  status?: number;
  /** Header lines in order; a name may repeat. "Date: now" is replaced by the current time. */
  headers?: Array<[string, string]>;
  body?: string;
  /** Close the connection without answering (the edge sees a network error). */
  destroy?: boolean;
}

export interface OriginRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}
