// A small Markdown renderer for notebook Markdown cells and text/markdown displays. It builds React elements
// (never HTML strings), so a notebook's Markdown cannot inject markup or script into the page. Each block says which
// source lines it came from (data-line, data-lines), so an editor opened on a click goes to the line clicked.
import type { CSSProperties, ReactElement, ReactNode } from "react";
import { parseBlocks, type Align, type Block } from "./markdown-blocks";
import { inlineTokens } from "./markdown-inline";

/** Inline code, bold, italics and links; anything else is text. */
function inline(text: string): ReactNode[] {
  return inlineTokens(text).map((token, key) => {
    switch (token.kind) {
      case "text":
        return token.text;
      case "code":
        return <code key={key}>{token.text}</code>;
      case "strong":
        return <strong key={key}>{inline(token.text)}</strong>;
      case "em":
        return <em key={key}>{inline(token.text)}</em>;
      case "link":
        // Only web links: a javascript: or data: URL in a notebook must not run in the page.
        return /^https?:\/\//i.test(token.href) ? (
          <a key={key} href={token.href} target="_blank" rel="noopener noreferrer">
            {token.label}
          </a>
        ) : (
          <span key={key}>{token.label}</span>
        );
    }
  });
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
          <tr data-line={table.line} data-lines={1}>
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
              <tr key={rowIndex} data-line={table.line + 2 + rowIndex} data-lines={1}>
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
            return (
              <Tag key={index} data-line={block.line} data-lines={1}>
                {inline(block.text)}
              </Tag>
            );
          }
          case "code":
            return (
              <pre key={index} className="mono" data-line={block.line} data-lines={block.lines}>
                <code>{block.text}</code>
              </pre>
            );
          case "list": {
            const items = block.items.map((item, i) => (
              <li key={i} data-line={block.line + i} data-lines={1}>
                {inline(item)}
              </li>
            ));
            return block.ordered ? <ol key={index}>{items}</ol> : <ul key={index}>{items}</ul>;
          }
          case "quote":
            return (
              <blockquote key={index} data-line={block.line} data-lines={1}>
                {inline(block.text)}
              </blockquote>
            );
          case "rule":
            return <hr key={index} data-line={block.line} data-lines={1} />;
          case "paragraph":
            return (
              <p key={index} data-line={block.line} data-lines={block.lines}>
                {inline(block.text)}
              </p>
            );
          case "table":
            return <MarkdownTable key={index} table={block} />;
        }
      })}
    </div>
  );
}
