// Training events as people read them: an icon, a sentence with formatted numbers, and for the
// finished event every summary field (nothing cut off).
import { formatBytes } from "../../base";
import { formatEta } from "./chart-series";

export interface EventLine {
  icon: string;
  tone: "info" | "good" | "warn" | "bad" | "quiet";
  text: string;
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A number as people read it: grouped integers, 4 significant digits, exponent for tiny/huge values. */
export function formatNumber(value: unknown): string {
  if (typeof value !== "number") return value === null || value === undefined ? "—" : String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return integer.format(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** A parameter count: 1.2M, 35.4K. */
function count(value: unknown): string {
  if (typeof value !== "number") return "—";
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}K`;
  return integer.format(value);
}

/** One event as a line. */
export function eventLine(type: string, p: Record<string, unknown>): EventLine {
  switch (type) {
    case "started": {
      const resumed =
        typeof p["start_step"] === "number" && p["start_step"] > 0
          ? `, resuming at step ${formatNumber(p["start_step"])}`
          : "";
      return {
        icon: "▶",
        tone: "info",
        text: `Training on ${String(p["device"])} (${String(p["backend"])}): ${count(p["trainable_params"])} of ${count(p["total_params"])} parameters trainable, ${formatNumber(p["train_examples"])} train / ${formatNumber(p["eval_examples"])} eval rows, to step ${formatNumber(p["max_steps"])}${resumed}`,
      };
    }
    case "log":
      return {
        icon: "·",
        tone: "quiet",
        text: `step ${formatNumber(p["step"])} · loss ${formatNumber(p["loss"])} · lr ${formatNumber(p["learning_rate"])} · grad norm ${formatNumber(p["grad_norm"])} · ${formatNumber(Math.round(Number(p["tokens_per_s"])))} tok/s · ETA ${formatEta(typeof p["eta_s"] === "number" ? p["eta_s"] : null)}`,
      };
    case "eval":
      return {
        icon: "◆",
        tone: "info",
        text: `Evaluated at step ${formatNumber(p["step"])}: eval loss ${formatNumber(p["eval_loss"])}`,
      };
    case "checkpoint":
      return {
        icon: "⛁",
        tone: "good",
        text: `Checkpoint saved at step ${formatNumber(p["step"])}: ${String(p["path"])}`,
      };
    case "oom_backoff":
      return {
        icon: "⚠",
        tone: "warn",
        text: `Out of GPU memory at step ${formatNumber(p["step"])}: batch ${formatNumber(p["old_batch_size"])} → ${formatNumber(p["new_batch_size"])} with ${formatNumber(p["grad_accumulation"])}× gradient accumulation (same effective batch)`,
      };
    case "memory_snapshot":
      return p["path"]
        ? {
            icon: "◉",
            tone: "good",
            text: `Memory snapshot of ${formatNumber(p["steps"])} steps saved: ${String(p["path"])} — ${String(p["message"])}`,
          }
        : { icon: "◉", tone: "warn", text: `No memory snapshot: ${String(p["message"])}` };
    case "finished":
      return {
        icon: p["status"] === "completed" ? "✔" : "■",
        tone: p["status"] === "completed" ? "good" : "info",
        text: `Run ${String(p["status"])} at step ${formatNumber(p["step"])}`,
      };
    case "failed":
      return { icon: "✖", tone: "bad", text: `Failed (${String(p["classification"])}): ${String(p["message"])}` };
    default:
      return { icon: "•", tone: "info", text: `${type}: ${JSON.stringify(p)}` };
  }
}

const SUMMARY_LABELS: Record<string, string> = {
  train_loss_mean: "mean train loss",
  final_loss: "final loss",
  eval_loss: "eval loss",
  steps: "steps",
  tokens_seen: "tokens seen",
  elapsed_s: "time",
  steps_per_s: "steps / s",
  cpu_s_per_step: "CPU s / step",
  checkpoint: "checkpoint",
  allocated_bytes: "GPU allocated",
  reserved_bytes: "GPU reserved",
  peak_bytes: "GPU peak allocated",
};

/** Every field of a finished run's summary, labelled and formatted (bytes, durations, numbers). */
export function summaryRows(summary: Record<string, unknown>): { key: string; label: string; value: string }[] {
  return Object.entries(summary).map(([key, value]) => ({
    key,
    label: SUMMARY_LABELS[key] ?? key.replaceAll("_", " "),
    value:
      typeof value === "number" && key.endsWith("_bytes")
        ? formatBytes(value)
        : typeof value === "number" && key === "elapsed_s"
          ? formatEta(value)
          : formatNumber(value),
  }));
}
