// WorkbenchService: every request of the Workbench API, dispatched by name, independent of transport.
import type { RequestName, RequestResult } from "../../api/workbench-api.js";
import { RequestError } from "./api-errors.js";
import type { EventHub } from "./event-hub.js";
import type { HandlerTable, RequestContext, RequestHandler } from "./request-handler.js";
import { checkParams, isRequestName } from "./request-params.js";

/** Every handler, keyed by request name. */
export type FullHandlerTable = HandlerTable<RequestName>;

/** Handlers that work before the Python engine is up (files, schemas, status). */
export type ImmediateRequests =
  "host.status" | "workspace.list" | "workspace.read" | "workspace.write" | "manifests.schema" | "training.schema";
export type EngineRequests = Exclude<RequestName, ImmediateRequests>;

/** Dispatches requests to feature handlers; engine handlers wait until the Python pool is up (or report why it is not). */
export class WorkbenchService {
  readonly #immediate: HandlerTable<ImmediateRequests>;
  readonly #engine: Promise<HandlerTable<EngineRequests>>;

  constructor(
    readonly events: EventHub,
    immediate: HandlerTable<ImmediateRequests>,
    engine: Promise<HandlerTable<EngineRequests>>,
  ) {
    this.#immediate = immediate;
    this.#engine = engine;
    // The host reports a failed start through host.status; this only keeps the rejection from going unhandled.
    engine.catch(() => undefined);
  }

  /** Runs one request from a transport: checks the method and params, then calls its handler. */
  async request(method: unknown, params: unknown, context: RequestContext): Promise<unknown> {
    if (!isRequestName(method)) throw new RequestError("bad_request", `unknown request "${String(method)}"`);
    checkParams(method, params);
    const handler = await this.#handler(method);
    if (context.signal.aborted) throw new RequestError("cancelled", `${method} was cancelled`);
    return handler(params as never, context);
  }

  async #handler<K extends RequestName>(method: K): Promise<RequestHandler<K>> {
    if (Object.hasOwn(this.#immediate, method)) return (this.#immediate as unknown as FullHandlerTable)[method];
    const engine = await this.#engine;
    return (engine as unknown as FullHandlerTable)[method];
  }
}

/** A typed call into the service (what in-process callers and tests use). */
export function callService<K extends RequestName>(
  service: WorkbenchService,
  method: K,
  params: unknown,
  signal: AbortSignal = new AbortController().signal,
): Promise<RequestResult<K>> {
  return service.request(method, params, { signal }) as Promise<RequestResult<K>>;
}
