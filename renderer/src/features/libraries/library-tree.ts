// The library tree: modules → classes (→ methods, properties) / functions / constants, filtered
// by a search that keeps the ancestors of every match visible.
import type { ClassView, ConstantView, FunctionView, LibraryView, ModuleView } from "../../api";

/**
 * `id` is unique in the tree (a name re-exported by several modules appears under each of them);
 * `path` is the Python dotted path.
 */
export type TreeNode =
  | { kind: "module"; id: string; path: string; name: string; module: ModuleView; children: TreeNode[] }
  | { kind: "class"; id: string; path: string; name: string; cls: ClassView; children: TreeNode[] }
  | { kind: "function" | "method"; id: string; path: string; name: string; fn: FunctionView; children: TreeNode[] }
  | { kind: "constant"; id: string; path: string; name: string; constant: ConstantView; children: TreeNode[] };

const byName = <T extends { name: string }>(items: T[]): T[] => [...items].sort((a, b) => a.name.localeCompare(b.name));

/**
 * Modules in the order introspection found them (the package first); members sorted by name.
 * Ids use the member's name within its module, not its path: aliases (numpy.abs and numpy.absolute)
 * share a path, and React needs one key per row.
 */
export function buildTree(library: LibraryView): TreeNode[] {
  return library.modules.map((module) => ({
    kind: "module",
    id: module.name,
    path: module.name,
    name: module.name,
    module,
    children: [
      ...byName(module.classes).map<TreeNode>((cls) => ({
        kind: "class",
        id: `${module.name}:${cls.name}`,
        path: cls.path,
        name: cls.name,
        cls,
        children: byName(cls.methods).map<TreeNode>((fn) => ({
          kind: "method",
          id: `${module.name}:${cls.name}.${fn.name}`,
          path: fn.path,
          name: fn.name,
          fn,
          children: [],
        })),
      })),
      ...byName(module.functions).map<TreeNode>((fn) => ({
        kind: "function",
        id: `${module.name}:${fn.name}`,
        path: fn.path,
        name: fn.name,
        fn,
        children: [],
      })),
      ...byName(module.constants).map<TreeNode>((constant) => ({
        kind: "constant",
        id: `${module.name}:${constant.name}`,
        path: constant.path,
        name: constant.name,
        constant,
        children: [],
      })),
    ],
  }));
}

/** Nodes whose name contains the query (case-insensitive), with their ancestors; all nodes when empty. */
export function filterTree(nodes: TreeNode[], query: string): TreeNode[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return nodes;
  const keep = (node: TreeNode): TreeNode | null => {
    const children = node.children.map(keep).filter((child): child is TreeNode => child !== null);
    if (node.name.toLowerCase().includes(needle) || children.length) return { ...node, children };
    return null;
  };
  return nodes.map(keep).filter((node): node is TreeNode => node !== null);
}

export function findNode(nodes: TreeNode[], id: string): TreeNode | null {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findNode(node.children, id);
    if (found) return found;
  }
  return null;
}

export function countNodes(nodes: TreeNode[]): { functions: number; classes: number } {
  let functions = 0;
  let classes = 0;
  const walk = (node: TreeNode): void => {
    if (node.kind === "function" || node.kind === "method") functions += 1;
    if (node.kind === "class") classes += 1;
    node.children.forEach(walk);
  };
  nodes.forEach(walk);
  return { functions, classes };
}

/**
 * The full description of a callable listed by reference. Introspection describes each object once; an
 * alias (numpy.abs) or a re-export is listed with no signature and a path to the full entry (numpy.absolute).
 */
export function resolveReference(library: LibraryView, fn: FunctionView): FunctionView {
  if (fn.signatures.length > 0) return fn;
  for (const module of library.modules) {
    for (const candidate of module.functions) {
      if (candidate.path === fn.path && candidate.signatures.length > 0) return candidate;
    }
    for (const cls of module.classes) {
      for (const method of cls.methods) {
        if (method.path === fn.path && method.signatures.length > 0) return method;
      }
    }
  }
  return fn;
}

/**
 * The tree id a docstring cross-reference points at ("numpy.cumsum", "cumsum" relative to `currentModule`,
 * "SequenceMatcher.ratio"), or null when the library does not describe it.
 */
export function resolveDocTarget(nodes: TreeNode[], target: string, currentModule: string): string | null {
  const candidates = [target, `${currentModule}.${target}`];
  for (const candidate of candidates) {
    // The longest module name that prefixes the candidate owns it: numpy.linalg.norm is numpy.linalg:norm.
    const modules = nodes
      .filter((m) => candidate === m.id || candidate.startsWith(`${m.id}.`))
      .sort((a, b) => b.id.length - a.id.length);
    for (const module of modules) {
      const id = candidate === module.id ? module.id : `${module.id}:${candidate.slice(module.id.length + 1)}`;
      if (findNode([module], id)) return id;
    }
  }
  return null;
}
