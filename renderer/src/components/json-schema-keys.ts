// Property names a JSON Schema defines, for key completion in YAML editors (manifests, run configs).
import { monaco } from "./monaco-setup";

/** Every property the schema names, with its description (refs resolved within the document). */
export function schemaKeys(schema: Record<string, unknown>): Map<string, string> {
  const keys = new Map<string, string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    const record = node as Record<string, unknown>;
    const properties = record["properties"];
    if (properties && typeof properties === "object") {
      for (const [name, child] of Object.entries(properties as Record<string, unknown>)) {
        const description = (child as Record<string, unknown> | null)?.["description"];
        if (!keys.has(name) && name !== "$schema") keys.set(name, typeof description === "string" ? description : "");
      }
    }
    for (const value of Object.values(record)) walk(value);
  };
  walk(schema);
  return keys;
}

/** Monaco completion items for every key the schema defines, replacing `range`. */
export function schemaKeySuggestions(
  schema: Record<string, unknown>,
  range: monaco.IRange,
): monaco.languages.CompletionItem[] {
  return [...schemaKeys(schema)].map(([name, description]) => ({
    label: name,
    kind: monaco.languages.CompletionItemKind.Property,
    documentation: description,
    insertText: `${name}: `,
    range,
  }));
}
