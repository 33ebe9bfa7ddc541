import type { ReactElement } from "react";
import type { DocBlockView } from "../../api";
import { parseInline, seeAlsoNames } from "./rst-inline";
import type { InlineSegment } from "./rst-inline";

/** Resolves a cross-reference to a tree id (null: not described here) and opens it. */
export interface DocLinks {
  resolve(target: string): string | null;
  open(id: string): void;
}

/**
 * Docstring blocks as the worker parsed them (sections, items, code). `omit` leaves out item sections another
 * part of the pane already shows (the parameter table covers "Parameters").
 */
export function DocstringView({
  blocks,
  links,
  omit = [],
}: {
  blocks: DocBlockView[];
  links?: DocLinks;
  omit?: readonly string[];
}): ReactElement {
  const skipped = new Set(omit.map((title) => title.toLowerCase()));
  const shown = blocks.filter((block) => !(block.kind === "items" && skipped.has(block.title.toLowerCase())));
  if (!shown.length) return <p className="muted">No docstring.</p>;
  return (
    <div className="docstring" data-testid="docstring">
      {shown.map((block, index) => (
        <Block key={index} block={block} links={links} />
      ))}
    </div>
  );
}

function Block({ block, links }: { block: DocBlockView; links: DocLinks | undefined }): ReactElement {
  switch (block.kind) {
    case "text":
      return (
        <p>
          <Inline text={block.text} links={links} />
        </p>
      );
    case "code":
      return <pre className={block.title === "math" ? "doc-code doc-math-block" : "doc-code"}>{block.text}</pre>;
    case "items":
      if (block.title.toLowerCase() === "see also") return <SeeAlso block={block} links={links} />;
      return (
        <section>
          <h4>{block.title}</h4>
          <dl className="doc-items">
            {block.items.map((item, index) => (
              <div key={index}>
                <dt>
                  {item.name ? <code className="doc-name">{item.name}</code> : null}
                  {item.type ? (
                    <span className="doc-type">
                      {item.name ? " : " : ""}
                      <Inline text={item.type} links={links} />
                    </span>
                  ) : null}
                </dt>
                {item.description ? (
                  <dd>
                    <Inline text={item.description} links={links} />
                  </dd>
                ) : null}
              </div>
            ))}
          </dl>
        </section>
      );
    case "section":
      return (
        <section>
          <h4>{block.title}</h4>
          {block.blocks.map((inner, index) => (
            <Block key={index} block={inner} links={links} />
          ))}
        </section>
      );
  }
}

function SeeAlso({ block, links }: { block: DocBlockView; links: DocLinks | undefined }): ReactElement {
  return (
    <section data-testid="see-also">
      <h4>{block.title}</h4>
      <dl className="doc-items">
        {block.items.map((item, index) => (
          <div key={index}>
            <dt>
              {seeAlsoNames(item.name).map((name, i) => (
                <span key={name}>
                  {i ? ", " : ""}
                  <Reference segment={{ kind: "reference", text: name, target: name }} links={links} />
                </span>
              ))}
            </dt>
            {item.description ? (
              <dd>
                <Inline text={item.description} links={links} />
              </dd>
            ) : null}
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Text with RST inline markup rendered (literals, math, references, emphasis). */
export function Inline({ text, links }: { text: string; links: DocLinks | undefined }): ReactElement {
  return (
    <>
      {parseInline(text).map((segment, index) => (
        <Segment key={index} segment={segment} links={links} />
      ))}
    </>
  );
}

function Segment({ segment, links }: { segment: InlineSegment; links: DocLinks | undefined }): ReactElement {
  switch (segment.kind) {
    case "text":
      return <>{segment.text}</>;
    case "code":
      return <code className="doc-literal">{segment.text}</code>;
    case "math":
      return <span className="doc-math">{segment.text}</span>;
    case "emphasis":
      return <em>{segment.text}</em>;
    case "strong":
      return <strong>{segment.text}</strong>;
    case "reference":
      return <Reference segment={segment} links={links} />;
  }
}

function Reference({
  segment,
  links,
}: {
  segment: Extract<InlineSegment, { kind: "reference" }>;
  links: DocLinks | undefined;
}): ReactElement {
  const id = links?.resolve(segment.target) ?? null;
  if (id === null || links === undefined) return <code className="doc-literal">{segment.text}</code>;
  return (
    <a
      className="doc-link"
      href={`#${id}`}
      title={segment.target}
      onClick={(event) => {
        event.preventDefault();
        links.open(id);
      }}
    >
      <code>{segment.text}</code>
    </a>
  );
}
