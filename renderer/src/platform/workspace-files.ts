// The workspace's file list, shared by every view that lists files (manifests, notebooks, run configs): one
// copy, refreshed by whichever view asks, so a file created in one view shows in the others.
import { create } from "zustand";
import type { WorkspaceFile } from "../api";
import { workbench } from "../client/workbench-client";

interface WorkspaceFilesState {
  /** Every file the host lists, sorted by path. */
  files: WorkspaceFile[];
  /** Reads the list afresh; rejects (and keeps the old list) when the host cannot list the workspace. */
  refresh(): Promise<void>;
}

export const useWorkspaceFiles = create<WorkspaceFilesState>((set) => ({
  files: [],
  async refresh() {
    const files = await workbench().call("workspace.list", {});
    set({ files: [...files].sort((a, b) => a.path.localeCompare(b.path)) });
  },
}));

/** The files of one kind, in path order (use with useShallow: a new array with the same files is no change). */
export function filesOfKind(files: readonly WorkspaceFile[], kind: WorkspaceFile["kind"]): WorkspaceFile[] {
  return files.filter((file) => file.kind === kind);
}

/** True when the workspace has a file at `path`. */
export function workspaceHas(path: string): boolean {
  return useWorkspaceFiles.getState().files.some((file) => file.path === path);
}
