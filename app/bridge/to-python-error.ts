// How any failure of a call reaches its caller: always a PythonError, with a classification the UI can show.
import { describeError } from "../base/index.js";
import { PoolError } from "../pool/index.js";
import { PythonError, type ErrorClassification } from "./python-error.js";
import { isServiceError, rpcError } from "./worker-client.js";

/** How each pool failure reads to a caller. */
const POOL_ERROR_CLASSES: Readonly<Record<string, ErrorClassification>> = {
  worker_crashed: "worker_crashed",
  worker_gone: "worker_crashed",
  worker_start_failed: "worker_crashed",
  pool_saturated: "pool_saturated",
  queue_timeout: "pool_saturated",
  out_of_memory: "out_of_memory",
  // The bridge was shut down while the call waited or ran: it ended without an answer.
  pool_closed: "cancelled",
};

/** The classification a pool failure reads as (`internal` for a code this table does not know yet). */
export function poolErrorClass(error: PoolError): ErrorClassification {
  return POOL_ERROR_CLASSES[error.code] ?? "internal";
}

/** Any failure of a call to `target` as the PythonError its caller sees. */
export function toPythonError(error: unknown, target: string): PythonError {
  if (error instanceof PythonError) return error;
  // Checked before `code`: a DOMException AbortError carries a numeric code (20) of its own.
  if (error instanceof Error && error.name === "AbortError")
    return PythonError.bridge("cancelled", `${target} was cancelled`, target, error);
  if (error instanceof PoolError) {
    if (error.code !== "worker_gone") return PythonError.bridge(poolErrorClass(error), error.message, target, error);
    // Gone is not crashed mid-call: by its own type the UI can say the state is lost, not that the call died.
    return new PythonError({
      pythonType: "WorkerGoneError",
      pythonModule: "snakebridge",
      message: error.message,
      traceback: "",
      classification: poolErrorClass(error),
      target,
      cause: error,
    });
  }
  if (isServiceError(error)) return rpcError(error, `call ${target}`, target);
  return PythonError.bridge("internal", `${target} failed in the host: ${describeError(error)}`, target, error);
}
