import { useState } from "react";
import type { ReactElement } from "react";
import type { PythonErrorView } from "../../api";

const HINTS: Partial<Record<PythonErrorView["classification"], string>> = {
  import_error:
    "The package is not importable by the workers' interpreter. Install it into that environment, then restart the workers.",
  worker_crashed: "The worker process died while running this. It is restarted automatically; run the code again.",
  out_of_memory: "The worker ran out of memory. Use smaller inputs or a smaller batch, then run again.",
  timeout: "The call ran past its deadline and was stopped.",
  pool_saturated: "Every worker is busy and the queue is full. Wait for running calls to finish or stop one.",
  cancelled: "Stopped on request.",
  not_allowed:
    "Enforce mode: only entrypoints declared in the --allow manifests may run. Declare this one in the manifest named above, then restart.",
};

/**
 * Hints by exception type, before those by classification; `null`: none. The missing-extra message already says what
 * to install, and an interrupt says all it needs in one word. A gone worker held this code's state and was replaced
 * before the code ran (killed, crashed or restarted while idle).
 */
const TYPE_HINTS: Readonly<Record<string, string | null>> = {
  MissingDisplayExtra: null,
  Interrupted: null,
  WorkerGoneError:
    "The worker that held this session's Python state was replaced since it last ran, so its variables are gone. " +
    "Run the cell again to start on a fresh worker, after the cells that set what it needs.",
};

/** A Python exception: type and message up front, the traceback one click away. */
export function PythonErrorBlock({ error }: { error: PythonErrorView }): ReactElement {
  const [open, setOpen] = useState(true);
  const hint = Object.hasOwn(TYPE_HINTS, error.type) ? TYPE_HINTS[error.type] : HINTS[error.classification];
  return (
    <div className="py-error" data-testid="python-error">
      <button type="button" className="py-error-head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="twisty">{error.traceback ? (open ? "▾" : "▸") : ""}</span>
        <span className="py-error-type">{error.type}</span>
        <span className="py-error-message">{error.message}</span>
      </button>
      {hint ? <div className="py-error-hint">{hint}</div> : null}
      {open && error.traceback ? <pre className="py-error-trace selectable">{error.traceback}</pre> : null}
    </div>
  );
}
