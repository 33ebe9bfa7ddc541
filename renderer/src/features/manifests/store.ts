import { create } from "zustand";
import type { GenerateResult, ManifestDiagnostic, ManifestDiffResult } from "../../api";
import { errorMessage, isCancellation, workbench } from "../../client/workbench-client";
import { filesOfKind, useWorkspaceFiles, workspaceHas } from "../../platform/workspace-files";
import { addEntrypoint, type EntrypointToAdd } from "./add-entrypoint";

export const NEW_MANIFEST_TEMPLATE = `# A Snakebridge manifest: which Python functions and classes the generated TypeScript SDK exposes.
version: 1
codegen:
  namespace: sdk
integrations:
  - package: numpy
    entrypoints:
      functions: [linspace, arange]
`;

interface ManifestsState {
  path: string | null;
  text: string;
  savedText: string;
  diagnostics: ManifestDiagnostic[];
  validating: boolean;
  busy: "generating" | "diffing" | "saving" | null;
  generated: GenerateResult | null;
  generatedTab: string | null;
  diff: ManifestDiffResult | null;
  output: "generated" | "diff";
  error: string | null;
  /** A short confirmation ("Added … to …"), cleared by the next edit. */
  notice: string | null;
  schema: Record<string, unknown> | null;
  /** Refreshes the shared workspace file list (the panel shows its manifests). */
  loadFiles(): Promise<void>;
  loadSchema(): Promise<void>;
  open(path: string): Promise<void>;
  createNew(name: string, template?: string): Promise<void>;
  /** Adds a described function, class or method to the open manifest (opening or creating one when none is). */
  addToManifest(entry: EntrypointToAdd): Promise<void>;
  edit(text: string): void;
  validate(): Promise<void>;
  save(): Promise<void>;
  generate(): Promise<void>;
  showDiff(): Promise<void>;
  setGeneratedTab(path: string): void;
  setOutput(output: "generated" | "diff"): void;
}

let validation: AbortController | null = null;
let validateTimer: ReturnType<typeof setTimeout> | null = null;
const VALIDATE_DELAY_MS = 350;

export const useManifestsStore = create<ManifestsState>((set, get) => ({
  path: null,
  text: "",
  savedText: "",
  diagnostics: [],
  validating: false,
  busy: null,
  generated: null,
  generatedTab: null,
  diff: null,
  output: "generated",
  error: null,
  notice: null,
  schema: null,

  async loadFiles() {
    try {
      await useWorkspaceFiles.getState().refresh();
    } catch (error) {
      set({ error: `Could not list the workspace: ${errorMessage(error)}` });
    }
  },

  async loadSchema() {
    try {
      set({ schema: (await workbench().call("manifests.schema", {})).schema });
    } catch (error) {
      set({ error: `Could not load the manifest schema (autocomplete of keys is off): ${errorMessage(error)}` });
    }
  },

  async open(path) {
    try {
      const { text } = await workbench().call("workspace.read", { path });
      set({
        path,
        text,
        savedText: text,
        generated: null,
        generatedTab: null,
        diff: null,
        diagnostics: [],
        error: null,
      });
      void get().validate();
    } catch (error) {
      set({ error: `Could not open ${path}: ${errorMessage(error)}` });
    }
  },

  async createNew(name, template = NEW_MANIFEST_TEMPLATE) {
    const clean = name.trim().replace(/\.ya?ml$/i, "");
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(clean)) {
      set({ error: `"${name}" is not a usable file name: use letters, digits, "-", "_" and "/" for folders.` });
      return;
    }
    const path = clean.includes("/") ? `${clean}.yaml` : `manifests/${clean}.yaml`;
    if (workspaceHas(path)) {
      set({ error: `${path} already exists; pick another name or open it from the list.` });
      return;
    }
    try {
      await workbench().call("workspace.write", { path, text: template });
      await get().loadFiles();
      await get().open(path);
    } catch (error) {
      set({ error: `Could not create ${path}: ${errorMessage(error)}` });
    }
  },

  async addToManifest(entry) {
    if (!get().path) {
      await get().loadFiles();
      const first = filesOfKind(useWorkspaceFiles.getState().files, "manifest")[0];
      if (first) await get().open(first.path);
      else
        await get().createNew(
          entry.module.replace(/\./g, "-"),
          `version: 1\ncodegen:\n  namespace: ${entry.module.replace(/\W/g, "_")}\n`,
        );
    }
    const path = get().path;
    if (!path) return; // opening or creating failed: `error` says why
    try {
      const result = addEntrypoint(get().text, entry);
      if (!result.already) get().edit(result.text);
      set({
        notice: result.already
          ? `${result.added} is already in ${path}.`
          : `Added ${result.added} to ${path} (not saved yet).`,
        error: null,
      });
    } catch (error) {
      set({ error: `Could not add ${entry.path} to ${path}: ${errorMessage(error)}` });
    }
  },

  edit(text) {
    // The editor echoes text set from outside (Add to manifest): only a real change clears the notice.
    if (text === get().text) return;
    set({ text, notice: null });
    if (validateTimer) clearTimeout(validateTimer);
    // Validate after a pause in typing, not on every keystroke.
    validateTimer = setTimeout(() => void get().validate(), VALIDATE_DELAY_MS);
  },

  async validate() {
    validation?.abort();
    const controller = new AbortController();
    validation = controller;
    set({ validating: true });
    try {
      const { diagnostics } = await workbench().call(
        "manifests.validate",
        { text: get().text, path: get().path ?? undefined },
        controller.signal,
      );
      if (validation === controller) set({ diagnostics });
    } catch (error) {
      if (!isCancellation(error)) set({ error: `Could not validate the manifest: ${errorMessage(error)}` });
    } finally {
      if (validation === controller) set({ validating: false });
    }
  },

  async save() {
    const { path, text } = get();
    if (!path) return;
    set({ busy: "saving" });
    try {
      await workbench().call("workspace.write", { path, text });
      set({ savedText: text, error: null });
    } catch (error) {
      set({ error: `Could not save ${path}: ${errorMessage(error)}. Your edits are still in the editor.` });
    } finally {
      set({ busy: null });
    }
  },

  async generate() {
    const { path, text } = get();
    if (!path) return;
    set({ busy: "generating", output: "generated", error: null });
    try {
      // Generating writes the SDK next to the manifest, so save the manifest it came from too.
      if (text !== get().savedText) await get().save();
      const generated = await workbench().call("manifests.generate", { text, path, write: true });
      const keep = generated.files.some((file) => file.path === get().generatedTab);
      set({
        generated,
        diagnostics: generated.diagnostics,
        generatedTab: keep ? get().generatedTab : (generated.files[0]?.path ?? null),
      });
      if (!generated.ok)
        set({ error: "Generation failed: fix the problems listed under the editor, then generate again." });
    } catch (error) {
      set({ error: `Generation failed: ${errorMessage(error)}` });
    } finally {
      set({ busy: null });
    }
  },

  async showDiff() {
    const { path, text } = get();
    if (!path) return;
    set({ busy: "diffing", output: "diff", error: null });
    try {
      set({ diff: await workbench().call("manifests.diff", { text, path }) });
    } catch (error) {
      set({ error: `Could not compare with a fresh introspection: ${errorMessage(error)}` });
    } finally {
      set({ busy: null });
    }
  },

  setGeneratedTab: (generatedTab) => set({ generatedTab }),
  setOutput: (output) => set({ output }),
}));
