// The tiny CPU training example a fresh workspace starts with: a run config and its dataset. The
// data is generated (deterministically) rather than shipped, so a packaged app seeds it as well.

/** Where the example config lives; its dataset sits in data/ beside it, as its relative path says. */
export const EXAMPLE_RUN_CONFIG_PATH = "training/tiny-cpu.run.yaml";
export const EXAMPLE_DATASET_PATH = "training/data/tiny.jsonl";

/** Mirrors examples/training/tiny-cpu.yaml (a test keeps them in step). */
export const EXAMPLE_RUN_CONFIG = `# A LoRA fine-tune of a tiny built-in Llama-style model on CPU: nothing is downloaded, ~1 minute.
# Press Start in the Training view, or run: snakebridge train training/tiny-cpu.run.yaml
name: tiny-cpu
model:
  tiny:
    hidden_size: 64
    layers: 2
    heads: 4
dataset:
  path: data/tiny.jsonl   # relative paths are resolved against this file's folder
  eval_split: 0.1
lora:
  r: 8
  alpha: 16
  dropout: 0.0
  target_modules: [q_proj, k_proj, v_proj, o_proj]
max_steps: 60
learning_rate: 0.003
lr_scheduler: linear
warmup_steps: 5
batch_size: 8
grad_accumulation: 1
seq_len: 64
log_every: 1
eval_every: 20
save_every: 20
output_dir: runs   # each run writes to runs/<name>-<run id>/ beside this file
seed: 42
device: cpu
`;

const COLOURS = ["black", "blue", "brown", "green", "grey", "red", "white", "yellow"];
const ANIMALS = ["bird", "cat", "dog", "fox", "goat", "horse", "mouse"];
const ACTIONS = ["looks at", "sits beside", "jumps over", "runs past", "sleeps near", "walks around"];
const PLACES = ["bright", "old", "quiet", "small", "tall", "wide"];
const THINGS = ["bridge", "fence", "garden", "hill", "house", "river", "stone", "tree"];

/** 600 JSONL rows: simple sentences ({"text"}) and additions ({"prompt", "completion"}), the same every time. */
export function exampleDataset(rows = 600): string {
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const pick = (items: readonly string[]): string => items[next(items.length)] ?? "";
  const lines: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    if (next(10) < 7) {
      lines.push(
        JSON.stringify({
          text: `The ${pick(COLOURS)} ${pick(ANIMALS)} ${pick(ACTIONS)} the ${pick(PLACES)} ${pick(THINGS)}.`,
        }),
      );
    } else {
      const a = next(20);
      const b = next(20);
      lines.push(
        JSON.stringify({
          prompt: `Question: what is ${a} plus ${b}?\nAnswer:`,
          completion: ` ${a} plus ${b} is ${a + b}.`,
        }),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
