// workspace.*: list, read and atomically write documents in the workspace folder.
import type { HandlerTable } from "../request-handler.js";
import type { WorkspaceFolder } from "../workspace-folder.js";

/** The workspace's request handlers. */
export function workspaceHandlers(
  workspace: WorkspaceFolder,
): HandlerTable<"workspace.list" | "workspace.read" | "workspace.write"> {
  return {
    "workspace.list": () => workspace.list(),
    "workspace.read": async ({ path }) => ({ path, text: await workspace.read(path) }),
    "workspace.write": async ({ path, text }) => ({ path, modifiedAt: await workspace.write(path, text) }),
  };
}
