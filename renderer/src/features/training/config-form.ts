// The New run form's model: the fields a first run needs, written out as a run-config YAML file
// (like Unsloth Studio's new fine-tune flow). Pure functions, so the YAML is tested without a browser.

export interface RunForm {
  name: string;
  /** "tiny" (built in, nothing downloaded) or a Hugging Face id / local folder. */
  model: string;
  /** Workspace-relative path of a JSONL dataset. */
  dataset: string;
  evalSplit: number;
  loraR: number;
  loraAlpha: number;
  loraDropout: number;
  /** Comma-separated module names. */
  targets: string;
  maxSteps: number;
  learningRate: number;
  batchSize: number;
  seqLen: number;
  device: "auto" | "cpu" | "cuda";
}

/** Folder new configs are created in (the seeded example lives there too). */
export const CONFIG_FOLDER = "training";

export const FORM_PRESETS: { id: string; label: string; description: string; form: RunForm }[] = [
  {
    id: "tiny-cpu",
    label: "Tiny model on CPU",
    description: "A built-in 2-layer Llama-style model: trains in about a minute, downloads nothing.",
    form: {
      name: "my-tiny-run",
      model: "tiny",
      dataset: "training/data/tiny.jsonl",
      evalSplit: 0.1,
      loraR: 8,
      loraAlpha: 16,
      loraDropout: 0,
      targets: "q_proj, k_proj, v_proj, o_proj",
      maxSteps: 60,
      learningRate: 0.003,
      batchSize: 8,
      seqLen: 64,
      device: "cpu",
    },
  },
  {
    id: "smollm-gpu",
    label: "SmolLM2-135M (GPU)",
    description: "A real 135M-parameter model from Hugging Face (downloaded once, ~270 MB); use a GPU.",
    form: {
      name: "smollm2-lora",
      model: "HuggingFaceTB/SmolLM2-135M",
      dataset: "training/data/tiny.jsonl",
      evalSplit: 0.1,
      loraR: 16,
      loraAlpha: 32,
      loraDropout: 0.05,
      targets: "q_proj, k_proj, v_proj, o_proj",
      maxSteps: 200,
      learningRate: 0.0002,
      batchSize: 8,
      seqLen: 256,
      device: "auto",
    },
  },
];

/** What is wrong with the form, field by field (empty when it can be written). */
export function formProblems(form: RunForm): Partial<Record<keyof RunForm, string>> {
  const problems: Partial<Record<keyof RunForm, string>> = {};
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(form.name))
    problems.name = "letters, digits, . _ - (it names the file and the run folders)";
  if (form.model.trim() === "") problems.model = "tiny, a Hugging Face id such as org/name, or ./a-local-folder";
  if (!/\.jsonl$/i.test(form.dataset))
    problems.dataset = 'pick a .jsonl file of {"text"} or {"prompt", "completion"} rows';
  if (!(form.evalSplit >= 0 && form.evalSplit < 1)) problems.evalSplit = "a fraction in [0, 1)";
  if (!Number.isInteger(form.loraR) || form.loraR < 1) problems.loraR = "a whole number ≥ 1";
  if (!(form.loraAlpha > 0)) problems.loraAlpha = "a number > 0";
  if (!(form.loraDropout >= 0 && form.loraDropout < 1)) problems.loraDropout = "a probability in [0, 1)";
  if (targetList(form.targets).length === 0) problems.targets = "at least one module name, such as q_proj";
  if (!Number.isInteger(form.maxSteps) || form.maxSteps < 1) problems.maxSteps = "a whole number ≥ 1";
  if (!(form.learningRate > 0)) problems.learningRate = "a number > 0, such as 0.0002";
  if (!Number.isInteger(form.batchSize) || form.batchSize < 1) problems.batchSize = "a whole number ≥ 1";
  if (!Number.isInteger(form.seqLen) || form.seqLen < 8) problems.seqLen = "a whole number ≥ 8";
  return problems;
}

/** Where the form's config is written: training/<name>.run.yaml. */
export function formConfigPath(form: RunForm): string {
  return `${CONFIG_FOLDER}/${form.name}.run.yaml`;
}

/** The run-config YAML for the form; the dataset path is written relative to the config's folder. */
export function formToYaml(form: RunForm): string {
  const model = form.model.trim() === "tiny" ? "tiny" : yamlString(form.model.trim());
  return [
    `# Created with New run. Relative paths are resolved against this file's folder.`,
    `name: ${yamlString(form.name)}`,
    `model: ${model}`,
    `dataset:`,
    `  path: ${yamlString(relativePath(CONFIG_FOLDER, form.dataset))}`,
    `  eval_split: ${form.evalSplit}`,
    `lora:`,
    `  r: ${form.loraR}`,
    `  alpha: ${form.loraAlpha}`,
    `  dropout: ${form.loraDropout}`,
    `  target_modules: [${targetList(form.targets).join(", ")}]`,
    `max_steps: ${form.maxSteps}`,
    `learning_rate: ${form.learningRate}`,
    `warmup_steps: ${Math.min(10, Math.floor(form.maxSteps / 10))}`,
    `batch_size: ${form.batchSize}`,
    `seq_len: ${form.seqLen}`,
    `log_every: 1`,
    `eval_every: ${Math.max(1, Math.floor(form.maxSteps / 3))}`,
    `save_every: ${Math.max(1, Math.floor(form.maxSteps / 3))}`,
    `output_dir: runs   # each run writes to runs/<name>-<run id>/ beside this file`,
    `device: ${form.device}`,
    ``,
  ].join("\n");
}

/** A free workspace path for a config that was pasted or typed without a file. */
export function pastedConfigPath(text: string, taken: readonly string[]): string {
  const named = /^name:\s*["']?([A-Za-z0-9._-]+)/m.exec(text)?.[1] ?? "pasted";
  const used = new Set(taken);
  for (let n = 1; ; n += 1) {
    const path = `${CONFIG_FOLDER}/${named}${n === 1 ? "" : `-${n}`}.run.yaml`;
    if (!used.has(path)) return path;
  }
}

/** The path of `to` relative to folder `from` (both workspace-relative, forward slashes). */
export function relativePath(from: string, to: string): string {
  const a = from.split("/").filter(Boolean);
  const b = to.split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length - 1 && a[common] === b[common]) common += 1;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

function targetList(targets: string): string[] {
  return targets
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter((t) => /^[A-Za-z0-9_.]+$/.test(t));
}

function yamlString(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) && !/^(true|false|null|yes|no|~)$/i.test(value) && !/^[\d.]+$/.test(value)
    ? value
    : JSON.stringify(value);
}
