// Which Python classes the workspace's generated SDKs wrap: a `py` global holding an instance of one is typed as
// that generated class (and arrives wrapped in it), instead of as a bare PyHandle.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** A generated class: the module a cell imports it from, and its export name. */
export interface GeneratedClass {
  /** Import specifier as written in a cell at the workspace root ("./manifests/generated/objects/fractions/index.js"). */
  specifier: string;
  exportName: string;
}

/** The generator documents each wrapper class with its Python path, right above `export class`. */
const CLASS_DOC = /Python class `([\w.]+)`[^]{0,4000}?export class (\w+)/g;
const SKIPPED = new Set(["node_modules", ".snakebridge", ".git", ".venv"]);
const MAX_DEPTH = 8;

async function typeScriptFiles(folder: string, depth = 0): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return []; // a folder that vanished or cannot be read has no classes to offer
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && !SKIPPED.has(entry.name))
      files.push(...(await typeScriptFiles(join(folder, entry.name), depth + 1)));
    else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
      files.push(join(folder, entry.name));
  }
  return files;
}

/** Python class path → its generated wrapper, for every generated SDK in the workspace. */
export async function generatedClasses(root: string): Promise<Map<string, GeneratedClass>> {
  const classes = new Map<string, GeneratedClass>();
  for (const file of await typeScriptFiles(root)) {
    const text = await readFile(file, "utf8");
    if (!text.includes("Python class `")) continue;
    const specifier = `./${relative(root, file).split(sep).join("/").replace(/\.ts$/, ".js")}`;
    for (const match of text.matchAll(CLASS_DOC)) {
      const [, pythonPath, exportName] = match;
      if (pythonPath && exportName && !classes.has(pythonPath)) classes.set(pythonPath, { specifier, exportName });
    }
  }
  return classes;
}
