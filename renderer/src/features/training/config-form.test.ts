import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { FORM_PRESETS, formConfigPath, formProblems, formToYaml, pastedConfigPath, relativePath } from "./config-form";

const tiny = FORM_PRESETS[0]!.form;

describe("the New run form", () => {
  it("writes a run config whose dataset path is relative to the config's folder", () => {
    const config = parseYaml(
      formToYaml({ ...tiny, dataset: "datasets/chat.jsonl", targets: "q_proj,  v_proj" }),
    ) as Record<string, unknown>;
    expect(config).toMatchObject({
      name: "my-tiny-run",
      model: "tiny",
      dataset: { path: "../datasets/chat.jsonl", eval_split: 0.1 },
      lora: { r: 8, alpha: 16, dropout: 0, target_modules: ["q_proj", "v_proj"] },
      max_steps: 60,
      learning_rate: 0.003,
      batch_size: 8,
      output_dir: "runs",
      device: "cpu",
    });
    expect(formConfigPath(tiny)).toBe("training/my-tiny-run.run.yaml");
  });

  it("quotes a model id that YAML would read as something else", () => {
    expect((parseYaml(formToYaml({ ...tiny, model: "org/model: v2" })) as { model: string }).model).toBe(
      "org/model: v2",
    );
    expect((parseYaml(formToYaml({ ...tiny, model: "HuggingFaceTB/SmolLM2-135M" })) as { model: string }).model).toBe(
      "HuggingFaceTB/SmolLM2-135M",
    );
  });

  it("names every bad field", () => {
    const problems = formProblems({
      ...tiny,
      name: "bad name",
      loraR: 0,
      learningRate: 0,
      dataset: "x.csv",
      targets: " , ",
    });
    expect(Object.keys(problems).sort()).toEqual(["dataset", "learningRate", "loraR", "name", "targets"]);
    expect(formProblems(tiny)).toEqual({});
  });

  it("saves a pasted config under a free name in the training folder", () => {
    expect(pastedConfigPath("name: tiny-cpu\nmax_steps: 3", [])).toBe("training/tiny-cpu.run.yaml");
    expect(pastedConfigPath("name: tiny-cpu", ["training/tiny-cpu.run.yaml"])).toBe("training/tiny-cpu-2.run.yaml");
    expect(pastedConfigPath("max_steps: 3", [])).toBe("training/pasted.run.yaml");
  });

  it("computes relative paths between workspace folders", () => {
    expect(relativePath("training", "training/data/tiny.jsonl")).toBe("data/tiny.jsonl");
    expect(relativePath("training", "data.jsonl")).toBe("../data.jsonl");
    expect(relativePath("a/b", "a/c/d.jsonl")).toBe("../c/d.jsonl");
  });
});
