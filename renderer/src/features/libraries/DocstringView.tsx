import type { ReactElement } from "react";
import { parseDocstring } from "./docstring";
import type { DocBlock } from "./docstring";

export function DocstringView({ doc }: { doc: string }): ReactElement {
  const blocks = parseDocstring(doc);
  if (!blocks.length) return <p className="muted">No docstring.</p>;
  return <div className="docstring" data-testid="docstring">{blocks.map((block, index) => <Block key={index} block={block} />)}</div>;
}

function Block({ block }: { block: DocBlock }): ReactElement {
  switch (block.kind) {
    case "text":
      return <p>{block.text}</p>;
    case "code":
      return <pre className="doc-code">{block.text}</pre>;
    case "items":
      return (
        <section>
          <h4>{block.title}</h4>
          <dl className="doc-items">
            {block.items.map((item, index) => (
              <div key={index}>
                <dt>
                  {item.name ? <code className="doc-name">{item.name}</code> : null}
                  {item.type ? <span className="doc-type">{item.name ? " : " : ""}{item.type}</span> : null}
                </dt>
                {item.description ? <dd>{item.description}</dd> : null}
              </div>
            ))}
          </dl>
        </section>
      );
    case "section":
      return (
        <section>
          <h4>{block.title}</h4>
          {block.blocks.map((inner, index) => <Block key={index} block={inner} />)}
        </section>
      );
  }
}
