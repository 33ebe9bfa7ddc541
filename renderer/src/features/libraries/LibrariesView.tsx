import { useEffect, useMemo } from "react";
import type { ReactElement } from "react";
import { useShallow } from "zustand/react/shallow";
import { EmptyState, ErrorBanner } from "../../components/EmptyState";
import { Icon } from "../../platform/icons";
import { DetailPane } from "./DetailPane";
import { countNodes, filterTree, findNode } from "./library-tree";
import type { TreeNode } from "./library-tree";
import { useLibrariesStore } from "./store";

const BADGES: Record<TreeNode["kind"], string> = { module: "M", class: "C", function: "ƒ", method: "m", constant: "K" };

export function LibrariesView(): ReactElement {
  const state = useLibrariesStore(
    useShallow((s) => ({
      moduleName: s.moduleName,
      depth: s.depth,
      includePrivate: s.includePrivate,
      describing: s.describing,
      library: s.library,
      tree: s.tree,
      error: s.error,
      cached: s.cached,
      filter: s.filter,
      selectedId: s.selectedId,
      setModuleName: s.setModuleName,
      setDepth: s.setDepth,
      setIncludePrivate: s.setIncludePrivate,
      setFilter: s.setFilter,
      describe: s.describe,
      cancelDescribe: s.cancelDescribe,
    })),
  );
  const visible = useMemo(() => filterTree(state.tree, state.filter), [state.tree, state.filter]);
  const selected = state.selectedId ? findNode(state.tree, state.selectedId) : null;
  const counts = useMemo(() => countNodes(state.tree), [state.tree]);

  useEffect(() => {
    void useLibrariesStore.getState().loadCached();
  }, []);

  return (
    <div className="split">
      <aside className="side-panel">
        <div className="panel-title">Libraries</div>
        <form
          className="section"
          onSubmit={(event) => {
            event.preventDefault();
            void state.describe();
          }}
        >
          <div className="row">
            <input
              className="input grow"
              placeholder="Module, e.g. numpy"
              aria-label="Module name"
              value={state.moduleName}
              onChange={(event) => state.setModuleName(event.target.value)}
              spellCheck={false}
            />
            {state.describing ? (
              <button type="button" className="btn secondary" onClick={state.cancelDescribe}>
                Cancel
              </button>
            ) : (
              <button type="submit" className="btn">
                Describe
              </button>
            )}
          </div>
          <div className="row">
            <label className="check">
              Depth
              <select
                className="input"
                aria-label="Submodule depth"
                value={state.depth}
                onChange={(event) => state.setDepth(Number(event.target.value))}
              >
                {[0, 1, 2, 3].map((depth) => (
                  <option key={depth} value={depth}>
                    {depth}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={state.includePrivate}
                onChange={(event) => state.setIncludePrivate(event.target.checked)}
              />{" "}
              private names
            </label>
          </div>
        </form>
        {state.library ? (
          <>
            <div className="section" style={{ paddingTop: 0 }}>
              <input
                className="input"
                placeholder={`Filter ${counts.functions} functions, ${counts.classes} classes`}
                aria-label="Filter"
                value={state.filter}
                onChange={(event) => state.setFilter(event.target.value)}
                spellCheck={false}
              />
            </div>
            <div className="scroll" role="tree" aria-label="Library members" data-testid="library-tree">
              {visible.length === 0 ? <div className="empty-small">Nothing matches “{state.filter}”.</div> : null}
              {visible.map((node) => (
                <TreeRow key={node.id} node={node} level={0} forceOpen={state.filter.trim() !== ""} />
              ))}
            </div>
          </>
        ) : (
          <div className="scroll">
            <div className="section-label">Described before</div>
            {state.cached.length === 0 ? <div className="empty-small">No libraries described yet.</div> : null}
            {state.cached.map((cached) => (
              <div key={cached.name} className="list-item" onClick={() => void state.describe({ module: cached.name })}>
                <span className="kind-badge kind-module">M</span>
                <span className="name">{cached.name}</span>
                <span className="detail">{cached.version}</span>
              </div>
            ))}
          </div>
        )}
      </aside>
      <div className="main-area">
        {state.library ? (
          <div className="toolbar">
            <span className="title">
              {state.library.name} {state.library.version}
            </span>
            <span className="hint">
              Python {state.library.pythonVersion} ·{" "}
              {state.library.fromCache
                ? "from descriptor cache"
                : `introspected in ${Math.round(state.library.elapsedMs)} ms`}
            </span>
            <span className="grow" />
            <button
              type="button"
              className="icon-btn"
              title="Introspect again, ignoring the cache"
              disabled={state.describing}
              onClick={() => void state.describe({ refresh: true, module: state.library?.name ?? "" })}
            >
              <Icon name="refresh" /> Refresh
            </button>
          </div>
        ) : null}
        <ErrorBanner message={state.error} onDismiss={() => useLibrariesStore.setState({ error: null })} />
        {state.library?.warnings.length ? (
          <details className="banner warning warnings" data-testid="library-warnings">
            <summary>
              {state.library.warnings.length} introspection warning{state.library.warnings.length === 1 ? "" : "s"}
            </summary>
            <ul>
              {state.library.warnings.map((warning, index) => (
                <li key={index} className="selectable">
                  {warning}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {state.describing && !state.library ? (
          <div className="empty-small">Introspecting {state.moduleName}… (a large library can take a few seconds)</div>
        ) : null}
        {selected ? (
          <div className="scroll">
            <DetailPane node={selected} />
          </div>
        ) : !state.describing ? (
          <EmptyState title="Explore a Python library">
            <p>
              The workbench imports a module in a worker and reads its functions, classes, signatures and docstrings.
            </p>
            <ol>
              <li>
                Type a module name on the left — <code>numpy</code>, <code>json</code>, <code>collections</code> — and
                press <strong>Describe</strong>.
              </li>
              <li>Pick a function to see its signature, parameters and documentation.</li>
              <li>Add what you need to a manifest (Ctrl+2) and generate a typed TypeScript SDK.</li>
            </ol>
          </EmptyState>
        ) : null}
      </div>
    </div>
  );
}

function TreeRow({ node, level, forceOpen }: { node: TreeNode; level: number; forceOpen: boolean }): ReactElement {
  const selected = useLibrariesStore((state) => state.selectedId === node.id);
  const expanded = useLibrariesStore((state) => state.expanded[node.id] ?? false);
  const { select, toggle } = useLibrariesStore.getState();
  const open = forceOpen || expanded;
  const hasChildren = node.children.length > 0;
  const signature = node.kind === "function" || node.kind === "method" ? node.fn.signatures[0]?.text : undefined;
  return (
    <>
      <div
        role="treeitem"
        aria-selected={selected}
        aria-expanded={hasChildren ? open : undefined}
        className={`list-item${selected ? " selected" : ""}`}
        style={{ paddingLeft: 8 + level * 14 }}
        data-path={node.path}
        title={signature ? `${node.path}${signature}` : node.path}
        onClick={() => {
          select(node.id);
          if (hasChildren && !forceOpen) toggle(node.id);
        }}
      >
        <span className="twisty">{hasChildren ? (open ? "▾" : "▸") : ""}</span>
        <span className={`kind-badge kind-${node.kind}`}>{BADGES[node.kind]}</span>
        <span className="name">{node.name}</span>
        {hasChildren && node.kind === "module" ? <span className="detail">{node.children.length}</span> : null}
      </div>
      {open
        ? node.children.map((child) => <TreeRow key={child.id} node={child} level={level + 1} forceOpen={forceOpen} />)
        : null}
    </>
  );
}
