// Turns whatever a request throws into the ApiErrorPayload both transports carry.
import type { ApiErrorPayload } from "../../api/workbench-api.js";
import { PythonError } from "../../bridge/index.js";
import { pythonErrorView } from "./convert/python-error-view.js";

/** A request failure with a stable code, raised by the service's own checks. */
export class RequestError extends Error {
  constructor(
    readonly code: "bad_request" | "not_found" | "forbidden" | "unavailable" | "cancelled" | "conflict",
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** The wire form of an error thrown while handling a request. */
export function toApiErrorPayload(error: unknown): ApiErrorPayload {
  if (error instanceof RequestError) return { code: error.code, message: error.message };
  if (error instanceof PythonError) {
    const code = error.classification === "cancelled" ? "cancelled" : "python_error";
    return { code, message: error.message, python: pythonErrorView(error) };
  }
  if (error instanceof Error && error.name === "AbortError")
    return { code: "cancelled", message: "the request was cancelled" };
  // Unknown failures are bugs in the host: say so, and keep the message the user can report.
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}
