// "Add to manifest" from the Libraries tree: inserts a function, class or method into manifest YAML, keeping the
// rest of the document (comments, flow lists) as written.
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import type { EntrypointToAdd } from "../../platform/workbench-actions";

export type { EntrypointToAdd };

export interface AddResult {
  text: string;
  /** What was written, as the manifest names it ("fft.fft", "SequenceMatcher.ratio"). */
  added: string;
  /** True when it was listed already (the text is unchanged). */
  already: boolean;
}

function relative(module: string, path: string): string {
  return path.startsWith(`${module}.`) ? path.slice(module.length + 1) : path;
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/** A flow list (`[a, b]`) for new lists, as the template writes them. */
function flowSeq(items: string[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const item of items) seq.add(item);
  return seq;
}

/** Adds the entrypoint to the integration of `module` (appending an integration when there is none). */
export function addEntrypoint(text: string, entry: EntrypointToAdd): AddResult {
  const document = parseDocument(text);
  if (document.errors.length)
    throw new Error(
      `The manifest does not parse (${document.errors[0]?.message.split("\n")[0] ?? "YAML error"}); fix it before adding to it.`,
    );
  const existing: unknown = document.get("integrations", true);
  let list: YAMLSeq;
  if (isSeq(existing)) list = existing;
  else {
    list = new YAMLSeq();
    document.set("integrations", list);
  }
  let integration = list.items.find(
    (item): item is YAMLMap =>
      isMap(item) && (scalarValue(item.get("module", true)) ?? scalarValue(item.get("package", true))) === entry.module,
  );
  if (!integration) {
    integration = new YAMLMap();
    integration.set("package", entry.module.split(".")[0]);
    if (entry.module.includes(".")) integration.set("module", entry.module);
    integration.set("entrypoints", new YAMLMap());
    list.add(integration);
  }
  const existingPoints: unknown = integration.get("entrypoints", true);
  let points: YAMLMap;
  if (isMap(existingPoints)) points = existingPoints;
  else {
    points = new YAMLMap();
    integration.set("entrypoints", points);
  }
  const name = relative(entry.module, entry.path);
  const listOf = (key: "functions" | "classes"): YAMLSeq => {
    const existing = points.get(key, true);
    if (isSeq(existing)) return existing;
    const created = flowSeq([]);
    points.set(key, created);
    return created;
  };
  const unchanged = (added: string): AddResult => ({ text, added, already: true });

  if (entry.kind === "function") {
    const functions = listOf("functions");
    if (functions.items.some((item) => scalarValue(item) === name)) return unchanged(name);
    functions.add(name);
    return { text: document.toString(), added: name, already: false };
  }
  const classes = listOf("classes");
  const index = classes.items.findIndex(
    (item) => (isMap(item) ? scalarValue(item.get("name", true)) : scalarValue(item)) === name,
  );
  if (entry.kind === "class") {
    if (index >= 0) return unchanged(name);
    classes.add(name);
    return { text: document.toString(), added: name, already: false };
  }
  const method = entry.method ?? "";
  const added = `${name}.${method}`;
  if (index < 0) {
    const cls = new YAMLMap();
    cls.set("name", name);
    cls.set("methods", flowSeq([method]));
    classes.add(cls);
    // A list of plain names becomes block style so the new mapping reads well.
    classes.flow = false;
    return { text: document.toString(), added, already: false };
  }
  const current = classes.items[index];
  if (!isMap(current)) {
    // `- Name` lists every public method already; naming one turns it into an explicit list.
    const cls = new YAMLMap();
    cls.set("name", name);
    cls.set("methods", flowSeq([method]));
    classes.items[index] = cls;
    classes.flow = false;
    return { text: document.toString(), added, already: false };
  }
  const methods = current.get("methods", true);
  if (!isSeq(methods)) return unchanged(added); // no `methods:` means every public method
  if (methods.items.some((item) => scalarValue(item) === method)) return unchanged(added);
  methods.add(method);
  return { text: document.toString(), added, already: false };
}
