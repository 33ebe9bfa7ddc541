// A small Markdown renderer for notebook Markdown cells and text/markdown displays. It builds React elements
// (never HTML strings), so a notebook's Markdown cannot inject markup or script into the page.
import type { CSSProperties, ReactElement, ReactNode } from "react";
import { parseBlocks, type Align, type Block } from "./markdown-blocks";

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;

/** Inline code, bold, italics and links; anything else is text. */
function inline(text: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > at) nodes.push(text.slice(at, match.index));
    const token = match[0];
    const key = nodes.length;
    if (match[1]) nodes.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (match[2]) nodes.push(<strong key={key}>{inline(token.slice(2, -2))}</strong>);
    else if (match[3]) nodes.push(<em key={key}>{inline(token.slice(1, -1))}</em>);
    else {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
      const href = link?.[2] ?? "";
      // Only web links: a javascript: or data: URL in a notebook must not run in the page.
      nodes.push(
        /^https?:\/\//i.test(href) ? (
          <a key={key} href={href} target="_blank" rel="noopener noreferrer">
            {link?.[1]}
          </a>
        ) : (
          <span key={key}>{link?.[1]}</span>
        ),
      );
    }
    at = match.index + token.length;
  }
  if (at < text.length) nodes.push(text.slice(at));
  return nodes;
}

/** The inline style for a table cell in a column with the given alignment. */
function alignStyle(align: Align | undefined): CSSProperties | undefined {
  return align ? { textAlign: align } : undefined;
}

/** A pipe table, in a wrapper that scrolls sideways so a wide table cannot widen the notebook. */
function MarkdownTable({ table }: { table: Extract<Block, { kind: "table" }> }): ReactElement {
  return (
    <div className="markdown-table">
      <table>
        <thead>
          <tr>
            {table.header.map((cell, column) => (
              <th key={column} style={alignStyle(table.align[column])}>
                {inline(cell)}
              </th>
            ))}
          </tr>
        </thead>
        {table.rows.length > 0 && (
          <tbody>
            {table.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {row.map((cell, column) => (
                  <td key={column} style={alignStyle(table.align[column])}>
                    {inline(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        )}
      </table>
    </div>
  );
}

/** Renders Markdown text. */
export function Markdown({ source }: { source: string }): ReactElement {
  return (
    <div className="markdown" data-testid="markdown">
      {parseBlocks(source).map((block, index) => {
        switch (block.kind) {
          case "heading": {
            const Tag = `h${Math.min(block.level, 6)}` as "h1";
            return <Tag key={index}>{inline(block.text)}</Tag>;
          }
          case "code":
            return (
              <pre key={index} className="mono">
                <code>{block.text}</code>
              </pre>
            );
          case "list": {
            const items = block.items.map((item, i) => <li key={i}>{inline(item)}</li>);
            return block.ordered ? <ol key={index}>{items}</ol> : <ul key={index}>{items}</ul>;
          }
          case "quote":
            return <blockquote key={index}>{inline(block.text)}</blockquote>;
          case "rule":
            return <hr key={index} />;
          case "paragraph":
            return <p key={index}>{inline(block.text)}</p>;
          case "table":
            return <MarkdownTable key={index} table={block} />;
        }
      })}
    </div>
  );
}
