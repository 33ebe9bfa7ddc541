import type { ReactElement } from "react";
import type { TrainingEnvironmentView } from "../../api";
import type { InstallState } from "./store";

/** When the worker's Python lacks the training extra: what is missing, and an Install button with progress. */
export function TrainingSetup({
  environment,
  install,
  onInstall,
}: {
  environment: TrainingEnvironmentView | null;
  install: InstallState | null;
  onInstall: () => void;
}): ReactElement | null {
  const missing = environment?.missing ?? [];
  if (missing.length === 0 && install?.ok !== false) return null;
  return (
    <div className="training-setup" data-testid="training-setup">
      {missing.length > 0 ? (
        <div>
          Training needs <strong>{missing.join(", ")}</strong>, which the worker's Python cannot import yet (the{" "}
          <code>training</code> extra, about 5.6 GB with torch).
        </div>
      ) : null}
      <div className="row">
        {environment?.canInstall ? (
          <button
            type="button"
            className="btn"
            disabled={install?.running === true}
            onClick={onInstall}
            data-testid="training-install"
          >
            {install?.running ? "Installing…" : install?.ok === false ? "Retry install" : "Install"}
          </button>
        ) : (
          <span className="muted">Install it in a terminal:</span>
        )}
        <code className="mono">{environment?.installCommand ?? "node scripts/setup-python.mjs --extra training"}</code>
      </div>
      {install !== null ? (
        <div className="install-progress">
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(install.progress * 100)}
          >
            <div
              className={`progress-fill${install.ok === false ? " bad" : ""}`}
              style={{ width: `${Math.round(install.progress * 100)}%` }}
            />
          </div>
          <div className="mono muted install-line" title={install.line}>
            {install.line}
          </div>
        </div>
      ) : null}
    </div>
  );
}
