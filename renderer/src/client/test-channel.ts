// A Channel for store tests: the host's answers are functions the test gives, and host events go through the
// real EventListeners, so a store connected to it hears them exactly as it would over IPC or a WebSocket.
import { ApiError } from "../api";
import type { EventName, RequestName, RequestParams, RequestResult, WorkbenchEvents } from "../api";
import type { IDisposable } from "../base";
import type { Channel, ConnectionState } from "../transport";
import { EventListeners } from "../transport/event-listeners";
import { WorkbenchClient } from "./workbench-client";

export type HostAnswers = {
  [K in RequestName]?: (params: RequestParams<K>) => RequestResult<K> | Promise<RequestResult<K>>;
};

export class TestChannel implements Channel {
  readonly events = new EventListeners();
  /** Every request made, in order: method and params. */
  readonly requests: { method: RequestName; params: unknown }[] = [];
  readonly #answers: HostAnswers;

  constructor(answers: HostAnswers = {}) {
    this.#answers = answers;
  }

  /** Answers with the test's function; like the real channels, an aborted request rejects as cancelled. */
  async request<K extends RequestName>(
    method: K,
    params: RequestParams<K>,
    signal?: AbortSignal,
  ): Promise<RequestResult<K>> {
    this.requests.push({ method, params });
    const answer: HostAnswers[K] = this.#answers[method];
    if (answer === undefined)
      throw new ApiError({ code: "not_found", message: `the test host does not answer ${method}` });
    const cancelled = new ApiError({ code: "cancelled", message: `${method} was cancelled` });
    if (signal?.aborted) throw cancelled;
    const result = await answer(params);
    if (signal?.aborted) throw cancelled;
    return result;
  }

  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): IDisposable {
    return this.events.subscribe(event, listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): IDisposable {
    return this.events.onConnectionChange(listener);
  }

  /** The methods requested so far. */
  methods(): RequestName[] {
    return this.requests.map((request) => request.method);
  }
}

/** A client over a TestChannel answering with `answers`. */
export function testClient(answers: HostAnswers = {}): { client: WorkbenchClient; channel: TestChannel } {
  const channel = new TestChannel(answers);
  return { client: new WorkbenchClient(channel), channel };
}
