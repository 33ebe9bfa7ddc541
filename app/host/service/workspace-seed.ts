// The first-run content of a new workspace: an example manifest, an example notebook, and the tiny
// CPU training example with its data (so the Training view has a run to start in one click).
import type { NotebookDocument } from "../../api/workbench-api.js";
import { serializeNotebook } from "./ipynb.js";
import {
  EXAMPLE_DATASET_PATH,
  EXAMPLE_RUN_CONFIG,
  EXAMPLE_RUN_CONFIG_PATH,
  exampleDataset,
} from "./training-example.js";
import type { WorkspaceFolder } from "./workspace-folder.js";

/** Where the example manifest lives; its SDK is generated to generated/stdlib (relative to the manifest). */
export const EXAMPLE_MANIFEST_PATH = "manifests/stdlib.manifest.yaml";
export const EXAMPLE_NOTEBOOK_PATH = "notebooks/welcome.ipynb";
/** Marks a workspace as seeded, so deleting the examples does not bring them back. */
const SEEDED_MARKER = ".snakebridge/seeded";

const EXAMPLE_MANIFEST = `# An integration manifest: which Python functions the generated TypeScript SDK exposes.
# Edit it in the Manifests view, then Generate: the SDK is written to manifests/generated/stdlib.
version: 1
codegen:
  namespace: stdlib
  out_dir: generated/stdlib
integrations:
  - package: statistics
    entrypoints:
      functions: [mean, median, stdev]
  - package: numpy
    arrays: binary
    entrypoints:
      functions: [linspace, arange]
`;

function exampleNotebook(): NotebookDocument {
  const cell = (
    id: string,
    language: "python" | "typescript" | "markdown",
    source: string,
  ): NotebookDocument["cells"][number] => ({ id, language, source, executionCount: null, outputs: [] });
  return {
    metadata: {},
    cells: [
      cell(
        "about",
        "markdown",
        "# Welcome\n\nPython and TypeScript cells share **one scope**: TypeScript reads Python as `await py.x`, " +
          'and Python reads TypeScript\'s plain values as `ts["x"]`. Run the cells in order with **Run All**.',
      ),
      cell(
        "intro",
        "python",
        "# Python cells run in a worker process; the last expression is shown.\nimport numpy as np\nvalues = np.linspace(0, 1, 5)\nvalues",
      ),
      cell("print", "python", "for i in range(3):\n    print('step', i)"),
      cell(
        "typescript",
        "typescript",
        "// TypeScript cells run in the host; `py` is this notebook's Python namespace, typed from its values.\n" +
          "const scale = 10;\n" +
          "const norm = Number(await py.np.linalg.norm(await py.values));\n" +
          "console.log('norm of values', norm);\n" +
          "scale * norm",
      ),
      cell(
        "snapshot",
        "python",
        "# `ts` is a snapshot of TypeScript's plain top-level values, taken before this cell ran.\nts['scale'] * values",
      ),
      cell(
        "sdk",
        "markdown",
        "Typed SDKs: generate `manifests/stdlib.manifest.yaml` (Manifests view → Generate), then import it in a TypeScript cell:\n\n" +
          '```\nimport { stdlib } from "./manifests/generated/stdlib/index.js";\nawait stdlib.statistics.mean([1, 2, 3, 4])\n```',
      ),
    ],
  };
}

/** Writes the examples into a workspace that has never been seeded; existing files are never overwritten. */
export async function seedWorkspace(workspace: WorkspaceFolder): Promise<void> {
  if (await workspace.exists(SEEDED_MARKER)) return;
  if (!(await workspace.exists(EXAMPLE_MANIFEST_PATH))) await workspace.write(EXAMPLE_MANIFEST_PATH, EXAMPLE_MANIFEST);
  if (!(await workspace.exists(EXAMPLE_NOTEBOOK_PATH)))
    await workspace.write(EXAMPLE_NOTEBOOK_PATH, serializeNotebook(exampleNotebook()));
  if (!(await workspace.exists(EXAMPLE_RUN_CONFIG_PATH)))
    await workspace.write(EXAMPLE_RUN_CONFIG_PATH, EXAMPLE_RUN_CONFIG);
  if (!(await workspace.exists(EXAMPLE_DATASET_PATH))) await workspace.write(EXAMPLE_DATASET_PATH, exampleDataset());
  await workspace.write(SEEDED_MARKER, `${new Date().toISOString()}\n`);
}
