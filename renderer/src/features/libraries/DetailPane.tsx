import type { ReactElement } from "react";
import type { ClassView, FunctionView, ModuleView, SignatureView, TypeSourceView } from "../../api";
import { DocstringView, Inline } from "./DocstringView";
import type { DocLinks } from "./DocstringView";
import { resolveDocTarget, resolveReference } from "./library-tree";
import type { TreeNode } from "./library-tree";
import { useLibrariesStore } from "./store";
import { useWorkbenchActions, type EntrypointToAdd } from "../../platform/workbench-actions";

const SOURCE_LABELS: Record<SignatureView["source"], string> = {
  inspect: "inspect.signature",
  text_signature: "__text_signature__",
  docstring_signature: "docstring signature line",
  numpydoc: "numpydoc Parameters section",
  google: "Google-style Args section",
  overload: "typing.overload",
  stubs: "type stubs",
  none: "not recovered",
};

const TYPE_SOURCE_LABELS: Record<TypeSourceView, string> = {
  stubs: "from type stubs (typeshed, *-stubs or .pyi)",
  inline: "inline annotation (py.typed package)",
  annotation: "annotation",
  docstring: "from the docstring",
  default: "inferred from the default value",
  none: "",
};

/** Item sections the signature block already shows: the parameter table and the returns line. */
const SHOWN_BY_SIGNATURE = [
  "Parameters",
  "Other Parameters",
  "Args",
  "Arguments",
  "Keyword Args",
  "Keyword Arguments",
  "Returns",
  "Yields",
];

/** Cross-references resolved against the described library, relative to `module`. */
function useDocLinks(module: string): DocLinks {
  const tree = useLibrariesStore((state) => state.tree);
  const select = useLibrariesStore((state) => state.select);
  return { resolve: (target) => resolveDocTarget(tree, target, module), open: select };
}

function moduleOf(path: string, library: { modules: { name: string }[] } | null): string {
  const owners = (library?.modules ?? []).map((m) => m.name).filter((name) => path.startsWith(`${name}.`));
  return owners.sort((a, b) => b.length - a.length)[0] ?? path.split(".")[0] ?? "";
}

const KIND_LABELS: Record<string, string> = {
  positional_only: "positional-only",
  positional_or_keyword: "",
  var_positional: "*args",
  keyword_only: "keyword-only",
  var_keyword: "**kwargs",
};

export function DetailPane({ node }: { node: TreeNode }): ReactElement {
  switch (node.kind) {
    case "module":
      return <ModuleDetail module={node.module} />;
    case "class":
      return <ClassDetail cls={node.cls} listedAs={node.id.replace(":", ".")} />;
    case "function":
    case "method":
      // Tree ids are "module:member", so this is the name the user clicked (numpy.abs), not the path it points to.
      return <FunctionDetail listed={node.fn} listedAs={node.id.replace(":", ".")} method={node.kind === "method"} />;
    case "constant":
      return (
        <article className="member-detail">
          <Header kind="constant" path={node.constant.path} />
          <pre className="signature">
            {node.constant.name}
            {node.constant.type ? `: ${node.constant.type.text}` : ""} = {node.constant.repr}
          </pre>
        </article>
      );
  }
}

function Header({ kind, path, tags = [] }: { kind: string; path: string; tags?: string[] }): ReactElement {
  return (
    <header className="detail-head">
      <span className={`detail-kind kind-${kind}`}>{kind}</span>
      <h1 className="selectable" data-testid="detail-title">
        {path}
      </h1>
      {tags.map((tag) => (
        <span key={tag} className="chip">
          {tag}
        </span>
      ))}
    </header>
  );
}

/** "Add to manifest": puts this member into the open manifest and shows it there. */
function AddToManifest({ entry }: { entry: EntrypointToAdd }): ReactElement {
  const { addToManifest } = useWorkbenchActions();
  return (
    <button
      type="button"
      className="icon-btn"
      data-testid="add-to-manifest"
      title="Add to the open manifest (or a new one) and show it"
      onClick={() => void addToManifest(entry)}
    >
      + Add to manifest
    </button>
  );
}

function FunctionDetail({
  listed,
  listedAs,
  method,
}: {
  listed: FunctionView;
  listedAs: string;
  method: boolean;
}): ReactElement {
  const library = useLibrariesStore((state) => state.library);
  const fn = library ? resolveReference(library, listed) : listed;
  const alias = listedAs !== fn.path;
  const tags = [
    fn.kind !== "function" ? fn.kind.replace("_", " ") : "",
    fn.isAsync ? "async" : "",
    fn.isGenerator ? "generator" : "",
    fn.signatures.length > 1 ? `${fn.signatures.length} overloads` : "",
  ].filter(Boolean);
  const links = useDocLinks(moduleOf(fn.path || listedAs, library));
  const owner = listedAs.slice(0, listedAs.lastIndexOf("."));
  const entry: EntrypointToAdd = method
    ? { module: library?.name ?? listedAs.split(".")[0]!, kind: "method", path: owner, method: listed.name }
    : { module: library?.name ?? listedAs.split(".")[0]!, kind: "function", path: listedAs };
  return (
    <article className="member-detail">
      <Header kind="function" path={alias ? listedAs : fn.path} tags={tags} />
      <AddToManifest entry={entry} />
      {alias ? (
        <div className="muted">
          another name for <code>{fn.path}</code>
        </div>
      ) : null}
      {fn.definedIn && !fn.path.startsWith(fn.definedIn) ? (
        <div className="muted">
          defined in <code>{fn.definedIn}</code>
        </div>
      ) : null}
      {fn.signatures.length === 0 ? (
        <p className="banner warning">No signature could be recovered for this callable.</p>
      ) : null}
      {fn.signatures.map((signature, index) => (
        <SignatureBlock key={index} name={fn.name} signature={signature} />
      ))}
      <h3>Documentation</h3>
      <DocstringView blocks={fn.docBlocks} links={links} omit={fn.signatures.length ? SHOWN_BY_SIGNATURE : []} />
    </article>
  );
}

function SignatureBlock({ name, signature }: { name: string; signature: SignatureView }): ReactElement {
  // An unknown return type arrives as a TypeExpr with no text: show nothing rather than a dangling arrow.
  const returns = signature.returns?.text ?? "";
  return (
    <section className="signature-block">
      <pre className="signature" data-testid="signature">
        {name}
        {signature.text}
        {returns && !signature.text.includes("->") ? ` -> ${returns}` : ""}
      </pre>
      <div className="signature-source">
        signature from <strong>{SOURCE_LABELS[signature.source]}</strong>
      </div>
      {signature.parameters.length ? (
        <table className="grid full params" data-testid="parameters">
          <thead>
            <tr>
              <th>Parameter</th>
              <th>Type</th>
              <th>Default</th>
              <th>Kind</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {signature.parameters.map((parameter) => (
              <tr key={parameter.name}>
                <td className="mono">{parameter.name}</td>
                <td className="mono type" title={TYPE_SOURCE_LABELS[parameter.typeSource]}>
                  {parameter.type?.text || <span className="muted">—</span>}
                </td>
                <td className="mono">
                  {parameter.hasDefault ? parameter.defaultRepr : <span className="muted">required</span>}
                </td>
                <td className="muted">{KIND_LABELS[parameter.kind]}</td>
                <td>
                  <Inline text={parameter.doc} links={undefined} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {returns || signature.returnsDoc ? (
        <div className="returns">
          <span className="muted">Returns</span> <code className="type">{returns}</code>{" "}
          <Inline text={signature.returnsDoc} links={undefined} />
        </div>
      ) : null}
    </section>
  );
}

function ClassDetail({ cls, listedAs }: { cls: ClassView; listedAs: string }): ReactElement {
  const library = useLibrariesStore((state) => state.library);
  const links = useDocLinks(moduleOf(cls.path, library));
  return (
    <article className="member-detail">
      <Header kind="class" path={cls.path} />
      <AddToManifest entry={{ module: library?.name ?? listedAs.split(".")[0]!, kind: "class", path: listedAs }} />
      {cls.bases.length ? (
        <div className="muted">
          bases: <code>{cls.bases.join(", ")}</code>
        </div>
      ) : null}
      {cls.init
        ? cls.init.signatures.map((signature, index) => (
            <SignatureBlock key={index} name={cls.name} signature={signature} />
          ))
        : null}
      <h3>Documentation</h3>
      <DocstringView
        blocks={cls.docBlocks}
        links={links}
        omit={cls.init?.signatures.length ? SHOWN_BY_SIGNATURE : []}
      />
      {cls.properties.length ? (
        <>
          <h3>Properties</h3>
          <table className="grid full">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Access</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {cls.properties.map((property) => (
                <tr key={property.name}>
                  <td className="mono">{property.name}</td>
                  <td className="mono type">{property.type?.text ?? ""}</td>
                  <td className="muted">{property.readonly ? "read-only" : ""}</td>
                  <td>{property.doc.split("\n")[0]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h3>Methods ({cls.methods.length})</h3>
      <ul className="member-list">
        {cls.methods.map((method) => (
          <li key={method.path} className="mono">
            {method.name}
            {method.signatures[0]?.text ?? "(…)"}
          </li>
        ))}
      </ul>
    </article>
  );
}

function ModuleDetail({ module }: { module: ModuleView }): ReactElement {
  const links = useDocLinks(module.name);
  return (
    <article className="member-detail">
      <Header
        kind="module"
        path={module.name}
        tags={[
          `${module.functions.length} functions`,
          `${module.classes.length} classes`,
          `${module.constants.length} constants`,
        ]}
      />
      <DocstringView blocks={module.docBlocks} links={links} />
      {module.submodules.length ? (
        <>
          <h3>Submodules</h3>
          <p className="mono selectable">{module.submodules.join("  ")}</p>
        </>
      ) : null}
    </article>
  );
}
