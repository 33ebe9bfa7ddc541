// JSDoc blocks from Python docstrings: summary, @param, @returns, and the Python signature with its source.

/** The first paragraph of a docstring, unwrapped to one line. */
export function summary(doc: string): string {
  const paragraph = doc.trim().split(/\n\s*\n/)[0] ?? "";
  return paragraph
    .split("\n")
    .map((l) => l.trim())
    .join(" ")
    .trim();
}

function safe(text: string): string {
  // "*/" would end the comment early; "@" at a line start would start a tag.
  return text.replace(/\*\//g, "*\\/").replace(/^@/gm, "\\@");
}

export interface DocBlock {
  summary: string;
  params: { name: string; text: string }[];
  returns?: string;
  /** Extra lines after the tags (Python signature, source). */
  notes: string[];
}

/** Renders a JSDoc comment, indented by `indent`. */
export function renderJsDoc(block: DocBlock, indent = ""): string {
  const lines: string[] = [];
  if (block.summary) lines.push(...safe(block.summary).split("\n"));
  if (block.notes.length) {
    if (lines.length) lines.push("");
    lines.push(...block.notes.map(safe));
  }
  if (block.params.length || block.returns) lines.push("");
  for (const p of block.params) lines.push(`@param ${p.name}${p.text ? ` - ${safe(p.text)}` : ""}`);
  if (block.returns) lines.push(`@returns ${safe(block.returns)}`);
  if (lines.length === 0) return "";
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ""}`).join("\n")}\n${indent} */\n`;
}
