// A small Markdown renderer for notebook Markdown cells and text/markdown displays. It builds React elements
// (never HTML strings), so a notebook's Markdown cannot inject markup or script into the page.
import type { ReactElement, ReactNode } from "react";

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "code"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "quote"; text: string }
  | { kind: "rule" }
  | { kind: "paragraph"; text: string };

const LIST_ITEM = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/;

function blocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const found: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = (): void => {
    if (paragraph.length) found.push({ kind: "paragraph", text: paragraph.join(" ") });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (line.trim() === "") {
      endParagraph();
      continue;
    }
    if (line.startsWith("```")) {
      endParagraph();
      const code: string[] = [];
      for (i += 1; i < lines.length && !(lines[i] ?? "").startsWith("```"); i += 1) code.push(lines[i] ?? "");
      found.push({ kind: "code", text: code.join("\n") });
    } else if (heading) {
      endParagraph();
      found.push({ kind: "heading", level: heading[1]?.length ?? 1, text: heading[2] ?? "" });
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      endParagraph();
      found.push({ kind: "rule" });
    } else if (line.startsWith(">")) {
      endParagraph();
      found.push({ kind: "quote", text: line.replace(/^>\s?/, "") });
    } else if (LIST_ITEM.test(line)) {
      endParagraph();
      const ordered = Boolean(LIST_ITEM.exec(line)?.[2]);
      const items: string[] = [];
      while (i < lines.length && LIST_ITEM.test(lines[i] ?? "")) {
        items.push(LIST_ITEM.exec(lines[i] ?? "")?.[3] ?? "");
        i += 1;
      }
      i -= 1;
      found.push({ kind: "list", ordered, items });
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return found;
}

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

/** Renders Markdown text. */
export function Markdown({ source }: { source: string }): ReactElement {
  return (
    <div className="markdown" data-testid="markdown">
      {blocks(source).map((block, index) => {
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
        }
      })}
    </div>
  );
}
