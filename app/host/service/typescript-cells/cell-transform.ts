// Turns a TypeScript cell into the body of an async function: types stripped, imports turned into awaited
// loads, top-level declarations turned into assignments to the notebook's scope, and the last expression
// statement returned (that is the cell's result).
//
// The body runs inside `with (__scope__) { ... }`: every top-level name of every cell is a property of one
// scope object per notebook, so a later cell reads it, a function from an earlier cell sees its current
// value, and running a cell again simply assigns again (no "Cannot redeclare"). Constness is the type
// checker's job: it sees earlier cells' names as `declare const` / `declare let`.
import ts from "typescript";

/** What every loop of a cell calls on each turn (loop-guard.ts): a parameter of the cell's function. */
export const LOOP_GUARD = "__guard__";

/**
 * A cell ready to run: `body` expects `__import__` (specifier → module namespace), `__scope__` and the loop guard
 * in scope.
 */
export interface TransformedCell {
  body: string;
  specifiers: string[];
  /** Top-level names the cell declares (they become properties of the scope before it runs). */
  declared: string[];
}

/** A cell that cannot be run as written. */
export class CellSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = "CellSyntaxError";
  }
}

/** Every identifier a binding name or pattern binds. */
export function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const names: string[] = [];
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) names.push(...boundNames(element.name));
  }
  return names;
}

/** Strips types with the TypeScript compiler, then rewrites imports, declarations and the trailing expression. */
export function transformCell(source: string): TransformedCell {
  const js = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: false,
      sourceMap: false,
    },
    reportDiagnostics: false,
  }).outputText;
  const file = ts.createSourceFile("cell.js", guardLoops(js), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const specifiers: string[] = [];
  const declared: string[] = [];
  // Function declarations are hoisted in JavaScript; their assignments go first so earlier lines can call them.
  const hoisted: string[] = [];
  const parts: string[] = [];
  const statements = file.statements;
  statements.forEach((statement, index) => {
    const isLast = index === statements.length - 1;
    if (ts.isImportDeclaration(statement)) {
      parts.push(importAsAwait(statement, specifiers, declared));
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      // transpileModule adds `export {};` to module cells: nothing to run.
      if (ts.isExportDeclaration(statement) && !statement.exportClause && !statement.moduleSpecifier) return;
      throw atNode(file, statement, "cells cannot export; declare values and use them in the same cell");
    } else if (ts.isVariableStatement(statement)) {
      parts.push(variablesAsAssignments(statement, file, declared));
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      declared.push(statement.name.text);
      hoisted.push(`${statement.name.text} = ${statement.getText(file)};`);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      declared.push(statement.name.text);
      parts.push(`${statement.name.text} = ${statement.getText(file)};`);
    } else if (isLast && ts.isExpressionStatement(statement)) {
      parts.push(`return (${statement.expression.getText(file)});`);
    } else {
      parts.push(statement.getFullText(file));
    }
  });
  return { body: [...hoisted, ...parts].join("\n"), specifiers, declared };
}

/**
 * Puts a call of the loop guard first in the body of every loop, at any depth (functions a cell declares included).
 * Text is inserted, never a line break, so positions reported later still name the cell's own lines.
 */
function guardLoops(js: string): string {
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  // `order`: when it was found; the walk finds an outer construct before those inside it.
  const inserts: { at: number; text: string; order: number }[] = [];
  const insert = (at: number, text: string): void => void inserts.push({ at, text, order: inserts.length });
  const visit = (node: ts.Node): void => {
    if (ts.isIterationStatement(node, false)) {
      const body = node.statement;
      if (ts.isBlock(body)) insert(body.getStart(file) + 1, ` ${LOOP_GUARD}();`);
      else {
        insert(body.getStart(file), `{ ${LOOP_GUARD}(); `);
        insert(body.getEnd(), " }");
      }
    } else if (ts.isFunctionLike(node) && isAsync(node) && "body" in node && node.body !== undefined) {
      // An async function that calls itself never overflows the stack (each call resumes in a new microtask): it
      // is a loop too.
      const body = node.body;
      if (ts.isBlock(body)) insert(body.getStart(file) + 1, ` ${LOOP_GUARD}();`);
      else {
        insert(body.getStart(file), `(${LOOP_GUARD}(), `);
        insert(body.getEnd(), ")");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (inserts.length === 0) return js;
  // From the end, so that each position is still the original text's. Two inserts share a position only where
  // nested loops or async arrows without braces end together: the inner one's closing must end up first, so at one
  // position they are applied outer first (each insert lands before what is already there).
  inserts.sort((a, b) => b.at - a.at || a.order - b.order);
  let out = js;
  for (const { at, text } of inserts) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

function isAsync(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** `const a = 1, { b } = o;` → `a = 1; ({ b } = o);` (the names are scope properties). */
function variablesAsAssignments(statement: ts.VariableStatement, file: ts.SourceFile, declared: string[]): string {
  const lines: string[] = [];
  for (const declaration of statement.declarationList.declarations) {
    declared.push(...boundNames(declaration.name));
    const target = declaration.name.getText(file);
    const value = declaration.initializer ? declaration.initializer.getText(file) : "undefined";
    lines.push(ts.isObjectBindingPattern(declaration.name) ? `(${target} = ${value});` : `${target} = ${value};`);
  }
  return lines.join(" ");
}

function importAsAwait(statement: ts.ImportDeclaration, specifiers: string[], declared: string[]): string {
  const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
  specifiers.push(specifier);
  const load = `await __import__(${JSON.stringify(specifier)})`;
  const clause = statement.importClause;
  if (!clause) return `${load};`;
  const lines: string[] = [];
  const module = `__module_${specifiers.length}`;
  lines.push(`const ${module} = ${load};`);
  const bind = (name: string, value: string): void => {
    declared.push(name);
    lines.push(`${name} = ${value};`);
  };
  if (clause.name) bind(clause.name.text, `${module}.default`);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) bind(bindings.name.text, module);
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements)
      bind(element.name.text, `${module}[${JSON.stringify((element.propertyName ?? element.name).text)}]`);
  }
  return lines.join(" ");
}

function atNode(file: ts.SourceFile, node: ts.Node, message: string): CellSyntaxError {
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return new CellSyntaxError(line + 1, character + 1, message);
}
