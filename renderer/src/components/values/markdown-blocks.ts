// Block-level Markdown parsing for the Markdown renderer: headings, fenced code, lists, quotes, rules, paragraphs and
// GitHub-style pipe tables. Notebook Markdown can be hostile or huge, so parsing is one pass over the lines and every
// line is split into table cells at most twice; no input makes it quadratic.

/** Column alignment from a table's delimiter row; null leaves the cell's default. */
export type Align = "left" | "right" | "center" | null;

/** What a block is, with its inline text still unparsed. */
type BlockBody =
  | { kind: "heading"; level: number; text: string }
  | { kind: "code"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "quote"; text: string }
  | { kind: "rule" }
  | { kind: "paragraph"; text: string }
  | { kind: "table"; align: Align[]; header: string[]; rows: string[][] };

/**
 * One block-level piece of a Markdown document, and where it is in the source: its first line (0-based) and how many
 * lines it spans (an editor opened on the rendered block goes to the line that was clicked).
 */
export type Block = BlockBody & { line: number; lines: number };

const LIST_ITEM = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const DELIMITER_CELL = /^:?-+:?$/;

/** Whether a line opens a block other than a paragraph, which also ends a table body (GFM's rule). */
function startsBlock(line: string): boolean {
  return (
    line.startsWith("```") || HEADING.test(line) || RULE.test(line) || line.startsWith(">") || LIST_ITEM.test(line)
  );
}

/**
 * Splits a table row into trimmed cell texts, keeping at most `limit` cells. Outer pipes are optional and `\|` is a
 * literal pipe; any other backslash pair is kept whole, so `\\|` is a backslash followed by a cell boundary.
 */
export function splitRow(line: string, limit = Number.POSITIVE_INFINITY): string[] {
  const text = line.trim();
  const cells: string[] = [];
  let cell = "";
  let from = text.startsWith("|") ? 1 : 0;
  // A leading pipe is not a cell boundary, and "| a |" has no empty cell after its last pipe.
  let endedOnPipe = from === 1;
  for (let at = from; at < text.length && cells.length < limit; at += 1) {
    const char = text[at];
    if (char === "\\" && text[at + 1] === "|") {
      cell += text.slice(from, at) + "|";
      at += 1;
      from = at + 1;
      endedOnPipe = false;
    } else if (char === "\\") {
      // Skips the escaped character so that "\\|" still ends the cell at the pipe.
      at += 1;
      endedOnPipe = false;
    } else if (char === "|") {
      cells.push((cell + text.slice(from, at)).trim());
      cell = "";
      from = at + 1;
      endedOnPipe = true;
    } else {
      endedOnPipe = false;
    }
  }
  if (!endedOnPipe && cells.length < limit) cells.push((cell + text.slice(from)).trim());
  return cells;
}

/** The column alignments a delimiter row declares, or null when the line is not a delimiter row. */
function delimiterRow(line: string): Align[] | null {
  // Without a pipe, "---" is a rule (or a setext underline), never a one-column table.
  if (!line.includes("|")) return null;
  const cells = splitRow(line);
  if (cells.length === 0 || !cells.every((cell) => DELIMITER_CELL.test(cell))) return null;
  return cells.map((cell) => {
    const left = cell.startsWith(":");
    const right = cell.endsWith(":");
    if (left && right) return "center";
    if (right) return "right";
    return left ? "left" : null;
  });
}

/** Pads a row with empty cells or drops its extra cells, so that every row has the header's width. */
function fit(cells: string[], width: number): string[] {
  while (cells.length < width) cells.push("");
  return cells.length > width ? cells.slice(0, width) : cells;
}

/** The table whose header row is `lines[start]`, with the index of the first line after it; null if there is none. */
function tableAt(lines: string[], start: number): { table: Block; next: number } | null {
  const align = delimiterRow(lines[start + 1] ?? "");
  if (!align) return null;
  const header = splitRow(lines[start] ?? "");
  // GFM: a header whose cell count differs from the delimiter row's is not a table header.
  if (header.length !== align.length) return null;
  const rows: string[][] = [];
  let next = start + 2;
  for (; next < lines.length; next += 1) {
    const line = lines[next] ?? "";
    if (line.trim() === "" || startsBlock(line)) break;
    rows.push(fit(splitRow(line, align.length), align.length));
  }
  return { table: { kind: "table", align, header, rows, line: start, lines: next - start }, next };
}

/** Splits Markdown source into its blocks, in document order. */
export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const found: Block[] = [];
  let paragraph: string[] = [];
  let paragraphStart = 0;
  const endParagraph = (): void => {
    if (paragraph.length)
      found.push({ kind: "paragraph", text: paragraph.join(" "), line: paragraphStart, lines: paragraph.length });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const heading = HEADING.exec(line);
    const start = i;
    if (line.trim() === "") {
      endParagraph();
      continue;
    }
    if (line.startsWith("```")) {
      endParagraph();
      const code: string[] = [];
      for (i += 1; i < lines.length && !(lines[i] ?? "").startsWith("```"); i += 1) code.push(lines[i] ?? "");
      // The code's own lines, after the opening fence.
      found.push({ kind: "code", text: code.join("\n"), line: start + 1, lines: Math.max(1, code.length) });
    } else if (heading) {
      endParagraph();
      found.push({ kind: "heading", level: heading[1]?.length ?? 1, text: heading[2] ?? "", line: start, lines: 1 });
    } else if (RULE.test(line)) {
      endParagraph();
      found.push({ kind: "rule", line: start, lines: 1 });
    } else if (line.startsWith(">")) {
      endParagraph();
      found.push({ kind: "quote", text: line.replace(/^>\s?/, ""), line: start, lines: 1 });
    } else if (LIST_ITEM.test(line)) {
      endParagraph();
      const ordered = Boolean(LIST_ITEM.exec(line)?.[2]);
      const items: string[] = [];
      while (i < lines.length && LIST_ITEM.test(lines[i] ?? "")) {
        items.push(LIST_ITEM.exec(lines[i] ?? "")?.[3] ?? "");
        i += 1;
      }
      i -= 1;
      found.push({ kind: "list", ordered, items, line: start, lines: items.length });
    } else {
      // As in GFM, a table may start on a paragraph's last line: the lines before it stay the paragraph.
      const table = tableAt(lines, i);
      if (table) {
        endParagraph();
        found.push(table.table);
        i = table.next - 1;
      } else {
        if (paragraph.length === 0) paragraphStart = start;
        paragraph.push(line.trim());
      }
    }
  }
  endParagraph();
  return found;
}
