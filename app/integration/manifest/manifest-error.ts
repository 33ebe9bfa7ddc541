// Manifest problems that point at a file, line, column and key.
import { formatManifestPath, type ManifestPath } from "./types.js";

/** One thing wrong with a manifest, located in its source. */
export interface ManifestProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  path: ManifestPath;
  message: string;
}

/** Renders a problem as `file:line:column: key: message` (the shape editors and terminals link). */
export function formatProblem(problem: ManifestProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${formatManifestPath(problem.path)}: ${problem.message}`;
}

/** How many problems the message lists; `problems` keeps them all. */
const LISTED_PROBLEMS = 50;

/** A manifest that cannot be used as written; `problems` says where and why. */
export class ManifestError extends Error {
  constructor(readonly problems: readonly ManifestProblem[]) {
    const listed = problems.slice(0, LISTED_PROBLEMS).map((p) => `  ${formatProblem(p)}`);
    if (problems.length > LISTED_PROBLEMS) listed.push(`  … and ${problems.length - LISTED_PROBLEMS} more`);
    super(
      `${problems.length === 1 ? "The manifest has a problem" : `The manifest has ${problems.length} problems`}:\n` +
        listed.join("\n"),
    );
    this.name = "ManifestError";
  }
}
