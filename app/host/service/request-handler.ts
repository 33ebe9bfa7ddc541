// The shape of the service's request handlers, shared by the feature modules.
import type { RequestName, RequestParams, RequestResult } from "../../api/workbench-api.js";

/** Per-request context: aborted when the client cancels the request or disconnects. */
export interface RequestContext {
  signal: AbortSignal;
}

/** Handles one request. */
export type RequestHandler<K extends RequestName> = (
  params: RequestParams<K>,
  context: RequestContext,
) => Promise<RequestResult<K>>;

/** Handlers for a subset of requests (what one feature module provides). */
export type HandlerTable<K extends RequestName> = { [M in K]: RequestHandler<M> };
