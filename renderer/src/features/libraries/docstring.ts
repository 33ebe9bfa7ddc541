// Splits a docstring into blocks the detail pane can format: numpydoc sections ("Parameters" over
// a line of dashes), Google sections ("Args:" then an indented body), and plain text otherwise.
// It only structures text; rendering stays with React, so nothing from a docstring becomes HTML.

export interface DocItem {
  name: string;
  type: string;
  description: string;
}

export type DocBlock =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "items"; title: string; items: DocItem[] }
  | { kind: "section"; title: string; blocks: DocBlock[] };

const ITEM_SECTIONS = new Set([
  "parameters", "other parameters", "returns", "yields", "receives", "raises", "warns", "attributes",
  "args", "arguments", "keyword args", "keyword arguments", "kwargs", "methods",
]);
const GOOGLE_SECTIONS = new Set([
  "args", "arguments", "keyword args", "keyword arguments", "kwargs", "returns", "return", "yields", "raises",
  "attributes", "example", "examples", "note", "notes", "see also", "warning", "warnings", "todo", "references",
]);

/** Removes the common indentation of every line after the first (as inspect.cleandoc does). */
export function cleanDocstring(doc: string): string[] {
  const lines = doc.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
  const indents = lines.slice(1).filter((line) => line.trim()).map((line) => line.length - line.trimStart().length);
  const margin = indents.length ? Math.min(...indents) : 0;
  const cleaned = [lines[0]?.trim() ?? "", ...lines.slice(1).map((line) => line.slice(margin).trimEnd())];
  while (cleaned.length && !cleaned[0]?.trim()) cleaned.shift();
  while (cleaned.length && !cleaned[cleaned.length - 1]?.trim()) cleaned.pop();
  return cleaned;
}

interface RawSection {
  title: string | null;
  lines: string[];
}

function splitSections(lines: string[]): RawSection[] {
  const sections: RawSection[] = [{ title: null, lines: [] }];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    const next = lines[index + 1] ?? "";
    const current = sections[sections.length - 1] as RawSection;
    // numpydoc: a title line at the margin, underlined with dashes of about its length.
    if (line.trim() && !line.startsWith(" ") && /^-{3,}\s*$/.test(next) && Math.abs(next.trim().length - line.trim().length) <= 3) {
      sections.push({ title: line.trim(), lines: [] });
      index += 1;
      continue;
    }
    // Google: "Args:" alone on a line at the margin.
    const google = /^([A-Z][A-Za-z ]+):\s*$/.exec(line);
    if (google && GOOGLE_SECTIONS.has((google[1] ?? "").toLowerCase())) {
      sections.push({ title: google[1] ?? "", lines: [] });
      continue;
    }
    current.lines.push(line);
  }
  return sections.filter((section) => section.title !== null || section.lines.some((line) => line.trim()));
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length);
  const margin = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(margin));
}

/** "name : type" (numpydoc) or "name (type): description" (Google) entries with indented descriptions. */
function parseItems(lines: string[]): DocItem[] {
  const items: DocItem[] = [];
  for (const line of dedent(lines)) {
    if (!line.trim()) {
      const last = items[items.length - 1];
      if (last && last.description) last.description += "\n";
      continue;
    }
    if (!line.startsWith(" ")) {
      const google = /^(\*{0,2}[\w.]+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$/.exec(line);
      const numpy = /^(\*{0,2}[\w.,* ]+?)\s+:\s*(.*)$/.exec(line);
      if (numpy) items.push({ name: (numpy[1] ?? "").trim(), type: (numpy[2] ?? "").trim(), description: "" });
      else if (google) items.push({ name: google[1] ?? "", type: (google[2] ?? "").trim(), description: (google[3] ?? "").trim() });
      else items.push({ name: "", type: line.trim(), description: "" });
      continue;
    }
    const last = items[items.length - 1];
    if (last) last.description = last.description && !last.description.endsWith("\n") ? `${last.description} ${line.trim()}` : `${last.description}${line.trim()}`;
  }
  for (const item of items) item.description = item.description.trim();
  return items;
}

/** Prose, with ">>>" examples and indented blocks kept as code. */
function parseText(lines: string[]): DocBlock[] {
  const blocks: DocBlock[] = [];
  let paragraph: string[] = [];
  let code: string[] = [];
  const flushParagraph = (): void => {
    if (paragraph.length) blocks.push({ kind: "text", text: paragraph.join(" ") });
    paragraph = [];
  };
  const flushCode = (): void => {
    if (code.length) blocks.push({ kind: "code", text: dedent(code).join("\n").trimEnd() });
    code = [];
  };
  for (const line of lines) {
    const trimmed = line.trim();
    const inCode = code.length > 0;
    if (trimmed.startsWith(">>>") || trimmed.startsWith("...") && inCode || (inCode && trimmed)) {
      flushParagraph();
      code.push(line);
    } else if (!trimmed) {
      flushParagraph();
      flushCode();
    } else if (line.startsWith("    ") && paragraph.length === 0) {
      code.push(line);
    } else {
      flushCode();
      paragraph.push(trimmed);
    }
  }
  flushParagraph();
  flushCode();
  return blocks;
}

export function parseDocstring(doc: string): DocBlock[] {
  if (!doc.trim()) return [];
  const blocks: DocBlock[] = [];
  for (const section of splitSections(cleanDocstring(doc))) {
    if (section.title === null) {
      blocks.push(...parseText(section.lines));
    } else if (ITEM_SECTIONS.has(section.title.toLowerCase())) {
      blocks.push({ kind: "items", title: section.title, items: parseItems(section.lines) });
    } else {
      blocks.push({ kind: "section", title: section.title, blocks: parseText(dedent(section.lines)) });
    }
  }
  return blocks;
}
