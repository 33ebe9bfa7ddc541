// PythonError → PythonErrorView (what the UI shows for a failed call or cell).
import type { PythonErrorView } from "../../../api/values-view.js";
import { PythonError } from "../../../bridge/index.js";

/** The display form of a Python exception or bridge failure. */
export function pythonErrorView(error: PythonError): PythonErrorView {
  return {
    type: error.pythonType,
    module: error.pythonModule,
    message: error.pythonMessage,
    traceback: error.traceback,
    classification: error.classification,
  };
}

/** Any thrown value as a PythonErrorView: host-side failures are shown as internal errors. */
export function errorViewOf(error: unknown): PythonErrorView {
  if (error instanceof PythonError) return pythonErrorView(error);
  const message = error instanceof Error ? error.message : String(error);
  return {
    type: error instanceof Error ? error.name : "Error",
    module: "snakebridge",
    message,
    traceback: error instanceof Error && error.stack ? error.stack : "",
    classification: "internal",
  };
}
