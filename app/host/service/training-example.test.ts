// The seeded training example: a fresh workspace gets a valid config and data that fits it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

import { loadRunConfig } from "../../training/run-config.js";
import {
  EXAMPLE_DATASET_PATH,
  EXAMPLE_RUN_CONFIG,
  EXAMPLE_RUN_CONFIG_PATH,
  exampleDataset,
} from "./training-example.js";
import { WorkspaceFolder } from "./workspace-folder.js";
import { seedWorkspace } from "./workspace-seed.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the seeded training example", () => {
  it("is the same config as examples/training/tiny-cpu.yaml", () => {
    expect(parseYaml(EXAMPLE_RUN_CONFIG)).toEqual(
      parseYaml(readFileSync(resolve("examples/training/tiny-cpu.yaml"), "utf8")),
    );
  });

  it("lands in a fresh workspace as a run config whose relative data path resolves beside it", async () => {
    const root = mkdtempSync(join(tmpdir(), "sb-seed-"));
    dirs.push(root);
    const workspace = new WorkspaceFolder(root);
    await seedWorkspace(workspace);
    const files = await workspace.list();
    expect(files.find((file) => file.path === EXAMPLE_RUN_CONFIG_PATH)?.kind).toBe("run-config");
    const config = loadRunConfig(join(root, EXAMPLE_RUN_CONFIG_PATH));
    expect(config.dataset).toMatchObject({ path: join(root, EXAMPLE_DATASET_PATH) });
    expect(config.output_dir).toBe(join(dirname(join(root, EXAMPLE_RUN_CONFIG_PATH)), "runs"));
    const rows = readFileSync(join(root, EXAMPLE_DATASET_PATH), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(rows).toHaveLength(600);
    expect(
      rows.every(
        (row) =>
          typeof row["text"] === "string" ||
          (typeof row["prompt"] === "string" && typeof row["completion"] === "string"),
      ),
    ).toBe(true);
    expect(rows.filter((row) => row["prompt"] !== undefined).length).toBeGreaterThan(100);
  });

  it("generates the same data every time", () => {
    expect(exampleDataset(50)).toBe(exampleDataset(50));
  });
});
