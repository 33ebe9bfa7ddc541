// One path for the calls that answer with a stream (a Python generator, a notebook cell): run it on a pool
// worker, hand each message to the caller, end or fail the caller's queue, and interrupt it like any call.
import type { ClientReadableStream, ServiceError } from "@grpc/grpc-js";
import type { ProcessPool, RunOptions, WorkerInfo } from "../pool/index.js";
import { settleCrash, type CallControl } from "./call-control.js";
import type { CallInterrupt } from "./call-interrupt.js";
import type { HandleContext } from "./codec.js";
import type { PythonWorker } from "./python-adapter.js";
import type { PythonError } from "./python-error.js";
import { toPythonError } from "./to-python-error.js";
import { rpcError, type WorkerConnection } from "./worker-client.js";

/** One streaming call: how to open it, where its messages go, and how its consumer is ended. */
export interface WorkerStreamCall<TMessage> {
  callId: string;
  /** The call's target, for errors. */
  target: string;
  /** How a failed RPC names the call ("stream numpy.arange", "cell"). */
  what: string;
  routing: RunOptions;
  interrupt: CallInterrupt;
  open(connection: WorkerConnection, worker: WorkerInfo): ClientReadableStream<TMessage>;
  onMessage(message: TMessage, context: HandleContext): void;
  /** The stream ended normally. */
  end(): void;
  /** The stream failed (or was interrupted): the consumer sees `error`. */
  fail(error: PythonError): void;
}

/** Runs `call` on a worker of `pool`; every outcome ends in exactly one of call.end() or call.fail(). */
export function runWorkerStream<TMessage>(
  pool: ProcessPool<PythonWorker>,
  control: CallControl,
  handleContext: (worker: WorkerInfo) => HandleContext,
  call: WorkerStreamCall<TMessage>,
): void {
  const { callId, target, interrupt } = call;
  interrupt.expired.catch((error: unknown) => call.fail(toPythonError(error, target)));
  pool
    .run(async (worker, info) => {
      if (interrupt.error) throw interrupt.error; // ended while it waited for a worker: never start it
      const rpc = call.open(worker.connection, info);
      const context = handleContext(info);
      const ended = new Promise<PythonError | undefined>((resolve) => {
        rpc.on("data", (message: TMessage) => call.onMessage(message, context));
        rpc.on("error", (error: ServiceError) => resolve(rpcError(error, call.what, target)));
        rpc.on("end", () => resolve(undefined));
      });
      // The worker did not know the call yet (still in flight): cancelling the RPC stops it on arrival.
      control.bind(interrupt, worker.connection, info, callId, target, (found) => {
        if (!found) rpc.cancel();
      });
      try {
        const failure = await ended;
        if (failure === undefined) return call.end();
        call.fail(failure);
        await settleCrash(worker, failure);
        if (failure.classification !== "cancelled") throw failure;
      } finally {
        control.finish(callId);
        interrupt.dispose();
      }
    }, call.routing)
    .catch((error: unknown) => call.fail(toPythonError(error, target)));
}
