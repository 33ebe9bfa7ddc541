// Actions one feature offers another. Features never import each other: a feature asks for an action here,
// and the workbench (the only layer that knows every feature) provides it.
import { createContext, useContext } from "react";

/** A described function, class or method to add to a manifest, named as the Libraries tree shows it. */
export interface EntrypointToAdd {
  /** The integration's import name: the described library ("difflib", "numpy"). */
  module: string;
  kind: "function" | "class" | "method";
  /** Dotted path of the function or class ("numpy.fft.fft"), or of the method's class. */
  path: string;
  /** For a method: its name. */
  method?: string;
}

export interface WorkbenchActions {
  /** Adds the entry to the open manifest (or a new one) and shows it. */
  addToManifest(entry: EntrypointToAdd): Promise<void>;
}

const missing = (): Promise<void> =>
  Promise.reject(new Error("No workbench provides this action: render the view inside the workbench's App"));

export const WorkbenchActionsContext = createContext<WorkbenchActions>({ addToManifest: missing });

/** The actions the workbench provides to features. */
export function useWorkbenchActions(): WorkbenchActions {
  return useContext(WorkbenchActionsContext);
}
