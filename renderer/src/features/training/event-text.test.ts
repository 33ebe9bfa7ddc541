import { describe, expect, it } from "vitest";
import { eventLine, formatNumber, summaryRows } from "./event-text";

describe("readable training events", () => {
  it("formats numbers for people", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(3.14159265)).toBe("3.142");
    expect(formatNumber(0.0002)).toBe("2.00e-4");
    expect(formatNumber(null)).toBe("—");
  });

  it("turns each event into a sentence with an icon", () => {
    expect(
      eventLine("started", {
        device: "cpu",
        backend: "transformers+peft",
        trainable_params: 12288,
        total_params: 1_234_567,
        train_examples: 540,
        eval_examples: 60,
        max_steps: 60,
        start_step: 0,
      }),
    ).toEqual({
      icon: "▶",
      tone: "info",
      text: "Training on cpu (transformers+peft): 12.3K of 1.23M parameters trainable, 540 train / 60 eval rows, to step 60",
    });
    expect(eventLine("oom_backoff", { step: 5, old_batch_size: 8, new_batch_size: 4, grad_accumulation: 2 }).text).toBe(
      "Out of GPU memory at step 5: batch 8 → 4 with 2× gradient accumulation (same effective batch)",
    );
    expect(
      eventLine("log", {
        step: 3,
        loss: 4.56789,
        learning_rate: 0.003,
        grad_norm: 1.5,
        tokens_per_s: 1234.5,
        eta_s: 75,
      }).text,
    ).toBe("step 3 · loss 4.568 · lr 0.003 · grad norm 1.5 · 1,235 tok/s · ETA 1m 15s");
    expect(eventLine("failed", { classification: "value_error", message: "bad" })).toMatchObject({
      icon: "✖",
      tone: "bad",
    });
  });

  it("shows a summary whole: every field, labelled", () => {
    const rows = summaryRows({
      train_loss_mean: 3.2,
      final_loss: 2.1,
      eval_loss: null,
      steps: 60,
      tokens_seen: 123456,
      elapsed_s: 28.4,
      steps_per_s: 2.11,
      checkpoint: "/runs/x/checkpoint-60",
      peak_bytes: 3 * 1024 ** 3,
      custom_field: 7,
    });
    expect(rows).toHaveLength(10);
    expect(rows.find((row) => row.key === "checkpoint")?.value).toBe("/runs/x/checkpoint-60");
    expect(rows.find((row) => row.key === "peak_bytes")?.value).toBe("3.00 GiB");
    expect(rows.find((row) => row.key === "elapsed_s")?.value).toBe("28s");
    expect(rows.find((row) => row.key === "custom_field")).toEqual({
      key: "custom_field",
      label: "custom field",
      value: "7",
    });
  });
});
