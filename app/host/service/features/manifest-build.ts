// manifests.generate / manifests.diff: delegated to the integration layer (resolve → emit → write; describe → diff).
import { dirname, isAbsolute, join, relative } from "node:path";
import type {
  GenerateResult,
  ManifestDiagnostic,
  ManifestDiffResult,
  SignatureChangeView,
} from "../../../api/workbench-api.js";
import { emitSdk, sdkLayout, writeSdk } from "../../../integration/codegen/generate-sdk.js";
import { manifestCoverage } from "../../../integration/coverage.js";
import { LibraryDescriber, PackageNotInstalledError } from "../../../integration/library-describer.js";
import { diffManifest } from "../../../integration/manifest-diff.js";
import { parseManifest, type LoadedManifest } from "../../../integration/manifest/load-manifest.js";
import { resolveManifest } from "../../../integration/manifest/resolve-manifest.js";
import { RequestError } from "../api-errors.js";
import type { HandlerTable } from "../request-handler.js";
import type { WorkspaceFolder } from "../workspace-folder.js";
import { diagnosticsOf } from "./manifests.js";

/** Name used for a manifest the editor has not saved yet (relative paths in it resolve from the workspace root). */
const UNSAVED_MANIFEST = "untitled.manifest.yaml";

/** A problem with no position in the text (a missing package). */
function unplaced(message: string): ManifestDiagnostic {
  return { severity: "error", message, line: 0, column: 0, endLine: 0, endColumn: 0, path: "" };
}

/** Diagnostics for what can go wrong while using a manifest; anything else is a real failure and is re-thrown. */
function problemsOf(error: unknown): ManifestDiagnostic[] {
  if (error instanceof PackageNotInstalledError) return [unplaced(error.message)];
  return diagnosticsOf(error);
}

/** Generate and diff handlers. */
export function manifestBuildHandlers(
  describer: LibraryDescriber,
  workspace: WorkspaceFolder,
): HandlerTable<"manifests.generate" | "manifests.diff"> {
  const load = (text: string, path: string | undefined): LoadedManifest =>
    parseManifest(text, workspace.resolve(path ?? UNSAVED_MANIFEST));

  return {
    "manifests.generate": async ({ text, path, write }) => {
      const failed = (diagnostics: ManifestDiagnostic[]): GenerateResult => ({
        ok: false,
        diagnostics,
        files: [],
        outputDir: null,
        coverage: { total: 0, recovered: 0 },
      });
      let loaded: LoadedManifest;
      let resolved: Awaited<ReturnType<typeof resolveManifest>>;
      try {
        loaded = load(text, path);
        resolved = await resolveManifest(loaded, describer);
      } catch (error) {
        return failed(problemsOf(error));
      }
      const layout = sdkLayout(loaded);
      const files = emitSdk(loaded, resolved.integrations, layout);
      if (write) {
        // By real path: an out_dir (or a folder in it) that is a symlink out of the workspace is refused too.
        const shown = `codegen.out_dir ${layout.outDir}`;
        if (relative(workspace.root, layout.outDir) === "")
          throw new RequestError("forbidden", `${shown} is the workspace itself; choose a folder inside it`);
        await workspace.confine(layout.outDir, shown);
        for (const file of files)
          await workspace.confine(
            dirname(isAbsolute(file.path) ? file.path : join(layout.outDir, file.path)),
            `${shown}: ${file.path}`,
          );
        await writeSdk(layout.outDir, files);
      }
      const coverage = manifestCoverage(resolved.integrations);
      return {
        ok: true,
        diagnostics: [],
        files: files.map((f) => ({ path: f.path, content: f.text })),
        outputDir: write ? layout.outDir : null,
        coverage: { total: coverage.total, recovered: coverage.recovered },
      };
    },
    "manifests.diff": async ({ text, path }) => {
      let diffs: Awaited<ReturnType<typeof diffManifest>>;
      try {
        diffs = await diffManifest(load(text, path), describer);
      } catch (error) {
        return { equal: false, changes: [], diagnostics: problemsOf(error) } satisfies ManifestDiffResult;
      }
      const changes: SignatureChangeView[] = diffs.flatMap(({ diff }) => [
        ...diff.added.map((a) => ({ path: a.path, change: "added" as const, before: null, after: a.signature })),
        ...diff.removed.map((r) => ({ path: r.path, change: "removed" as const, before: r.signature, after: null })),
        ...diff.changed.map((c) => ({ path: c.path, change: "changed" as const, before: c.before, after: c.after })),
      ]);
      return { equal: changes.length === 0, changes, diagnostics: [] };
    },
  };
}
