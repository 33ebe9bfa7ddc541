import { useEffect, useState } from "react";
import type { ReactElement } from "react";
import type { WorkspaceFile } from "../../api";
import { errorMessage, workbench } from "../../client/workbench-client";
import { FORM_PRESETS, formConfigPath, formProblems, formToYaml, type RunForm } from "./config-form";

interface Preview {
  rows: Record<string, unknown>[];
  total: number;
  error: string | null;
}

interface NewRunDialogProps {
  configFiles: WorkspaceFile[];
  onOpenConfig: (path: string) => void;
  onCreate: (path: string, text: string) => void;
  onClose: () => void;
}

/** New run: open an example config, or fill in a form that writes training/<name>.run.yaml. */
export function NewRunDialog({ configFiles, onOpenConfig, onCreate, onClose }: NewRunDialogProps): ReactElement {
  const [form, setForm] = useState<RunForm>({ ...(FORM_PRESETS[0]?.form as RunForm) });
  const [datasets, setDatasets] = useState<string[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const problems = formProblems(form);
  const path = formConfigPath(form);
  const exists = configFiles.some((file) => file.path === path);

  useEffect(() => {
    workbench()
      .call("workspace.list", {})
      .then((files) =>
        setDatasets(
          files
            .map((file) => file.path)
            .filter((file) => /\.jsonl$/i.test(file))
            .sort(),
        ),
      )
      .catch((error: unknown) =>
        setPreview({ rows: [], total: 0, error: `Could not list the workspace: ${errorMessage(error)}` }),
      );
  }, []);

  useEffect(() => {
    if (!/\.jsonl$/i.test(form.dataset)) return;
    let current = true;
    workbench()
      .call("training.preview", { path: form.dataset, limit: 5 })
      .then((result) => current && setPreview(result))
      .catch((error: unknown) => current && setPreview({ rows: [], total: 0, error: errorMessage(error) }));
    return () => {
      current = false;
    };
  }, [form.dataset]);

  const set = <K extends keyof RunForm>(key: K, value: RunForm[K]): void =>
    setForm((current) => ({ ...current, [key]: value }));
  const num = (
    key: "evalSplit" | "loraR" | "loraAlpha" | "loraDropout" | "maxSteps" | "learningRate" | "batchSize" | "seqLen",
    label: string,
    step = "any",
  ): ReactElement => (
    <label className={`field${problems[key] ? " invalid" : ""}`}>
      <span>{label}</span>
      <input
        className="input"
        type="number"
        step={step}
        value={Number.isNaN(form[key]) ? "" : form[key]}
        onChange={(event) => set(key, event.target.valueAsNumber)}
        aria-label={label}
      />
      {problems[key] ? <em>{problems[key]}</em> : null}
    </label>
  );
  const columns = [...new Set((preview?.rows ?? []).flatMap((row) => Object.keys(row)))];

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="modal new-run"
        role="dialog"
        aria-label="New run"
        onClick={(event) => event.stopPropagation()}
        data-testid="new-run-dialog"
      >
        <div className="modal-head">
          <strong>New run</strong>
          <span className="grow" />
          <button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <div className="new-run-body">
          <div className="new-run-examples">
            <div className="section-label">Examples</div>
            {configFiles.length === 0 ? <div className="muted">No run configs in the workspace yet.</div> : null}
            {configFiles.map((file) => (
              <button
                key={file.path}
                type="button"
                className="example"
                onClick={() => onOpenConfig(file.path)}
                data-testid={`example-${file.path}`}
              >
                <strong>{file.path.split("/").pop()}</strong>
                <span className="muted">{file.path}</span>
              </button>
            ))}
            <div className="section-label">Start from</div>
            {FORM_PRESETS.map((preset) => (
              <button key={preset.id} type="button" className="example" onClick={() => setForm({ ...preset.form })}>
                <strong>{preset.label}</strong>
                <span className="muted">{preset.description}</span>
              </button>
            ))}
          </div>
          <div className="new-run-form">
            <div className="form-grid">
              <label className={`field wide${problems.name ? " invalid" : ""}`}>
                <span>Name</span>
                <input
                  className="input"
                  value={form.name}
                  onChange={(event) => set("name", event.target.value)}
                  aria-label="Name"
                />
                {problems.name ? <em>{problems.name}</em> : null}
              </label>
              <label className={`field wide${problems.model ? " invalid" : ""}`}>
                <span>Model</span>
                <input
                  className="input"
                  value={form.model}
                  onChange={(event) => set("model", event.target.value)}
                  aria-label="Model"
                  list="new-run-models"
                />
                <datalist id="new-run-models">
                  <option value="tiny" />
                  <option value="HuggingFaceTB/SmolLM2-135M" />
                  <option value="Qwen/Qwen2.5-0.5B" />
                </datalist>
                {problems.model ? (
                  <em>{problems.model}</em>
                ) : (
                  <em className="muted">tiny is built in; a Hugging Face id is downloaded on first use</em>
                )}
              </label>
              <label className={`field wide${problems.dataset ? " invalid" : ""}`}>
                <span>Dataset</span>
                <select
                  className="input"
                  value={form.dataset}
                  onChange={(event) => set("dataset", event.target.value)}
                  aria-label="Dataset"
                >
                  {datasets.includes(form.dataset) ? null : <option value={form.dataset}>{form.dataset}</option>}
                  {datasets.map((file) => (
                    <option key={file} value={file}>
                      {file}
                    </option>
                  ))}
                </select>
                {problems.dataset ? <em>{problems.dataset}</em> : null}
              </label>
              {num("evalSplit", "Eval split")}
              <label className="field">
                <span>Device</span>
                <select
                  className="input"
                  value={form.device}
                  onChange={(event) => set("device", event.target.value as RunForm["device"])}
                  aria-label="Device"
                >
                  <option value="auto">auto</option>
                  <option value="cpu">cpu</option>
                  <option value="cuda">cuda</option>
                </select>
              </label>
              {num("loraR", "LoRA r", "1")}
              {num("loraAlpha", "LoRA alpha")}
              {num("loraDropout", "LoRA dropout")}
              <label className={`field${problems.targets ? " invalid" : ""}`}>
                <span>LoRA targets</span>
                <input
                  className="input"
                  value={form.targets}
                  onChange={(event) => set("targets", event.target.value)}
                  aria-label="LoRA targets"
                />
                {problems.targets ? <em>{problems.targets}</em> : null}
              </label>
              {num("maxSteps", "Steps", "1")}
              {num("learningRate", "Learning rate")}
              {num("batchSize", "Batch size", "1")}
              {num("seqLen", "Sequence length", "1")}
            </div>
            <div className="section-label">
              Dataset preview{preview ? ` — ${preview.total.toLocaleString()} rows` : ""}
            </div>
            <div className="dataset-preview" data-testid="dataset-preview">
              {preview?.error ? <div className="banner error">{preview.error}</div> : null}
              {preview && preview.rows.length > 0 ? (
                <table className="runs-table">
                  <thead>
                    <tr>
                      {columns.map((column) => (
                        <th key={column}>{column}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {preview.rows.map((row, index) => (
                      <tr key={index}>
                        {columns.map((column) => (
                          <td key={column} className="mono">
                            {row[column] === undefined ? "" : String(row[column])}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </div>
            <div className="row new-run-actions">
              <span className="muted mono">
                {path}
                {exists ? " (exists: pick another name)" : ""}
              </span>
              <span className="grow" />
              <button type="button" className="btn secondary" onClick={onClose}>
                Cancel
              </button>
              <button
                type="button"
                className="btn"
                disabled={Object.keys(problems).length > 0 || exists}
                onClick={() => onCreate(path, formToYaml(form))}
                data-testid="new-run-create"
              >
                Create config
              </button>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
