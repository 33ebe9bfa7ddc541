// Turns a TypeScript cell into the body of an async function: types stripped, imports turned into awaited
// loads, and the last expression statement returned (that is the cell's result).
import ts from "typescript";

/** A cell ready to run: `body` expects `__import__` (specifier → module namespace) in scope. */
export interface TransformedCell {
  body: string;
  specifiers: string[];
}

/** A cell that cannot be run as written. */
export class CellSyntaxError extends Error {
  constructor(readonly line: number, readonly column: number, message: string) {
    super(message);
    this.name = "CellSyntaxError";
  }
}

/** Strips types with the TypeScript compiler, then rewrites imports and the trailing expression. */
export function transformCell(source: string): TransformedCell {
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false, sourceMap: false },
    reportDiagnostics: false,
  }).outputText;
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const specifiers: string[] = [];
  const parts: string[] = [];
  const statements = file.statements;
  statements.forEach((statement, index) => {
    const isLast = index === statements.length - 1;
    if (ts.isImportDeclaration(statement)) {
      parts.push(importAsAwait(statement, specifiers));
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      // transpileModule adds `export {};` to module cells: nothing to run.
      if (ts.isExportDeclaration(statement) && !statement.exportClause && !statement.moduleSpecifier) return;
      throw atNode(file, statement, "cells cannot export; declare values and use them in the same cell");
    } else if (isLast && ts.isExpressionStatement(statement)) {
      parts.push(`return (${statement.expression.getText(file)});`);
    } else {
      parts.push(statement.getFullText(file));
    }
  });
  return { body: parts.join("\n"), specifiers };
}

function importAsAwait(statement: ts.ImportDeclaration, specifiers: string[]): string {
  const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
  specifiers.push(specifier);
  const load = `await __import__(${JSON.stringify(specifier)})`;
  const clause = statement.importClause;
  if (!clause) return `${load};`;
  const lines: string[] = [];
  const module = `__module_${specifiers.length}`;
  lines.push(`const ${module} = ${load};`);
  if (clause.name) lines.push(`const ${clause.name.text} = ${module}.default;`);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) lines.push(`const ${bindings.name.text} = ${module};`);
  if (bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0) {
    const names = bindings.elements.map((e) => (e.propertyName ? `${e.propertyName.getText()}: ${e.name.text}` : e.name.text));
    lines.push(`const { ${names.join(", ")} } = ${module};`);
  }
  return lines.join(" ");
}

function atNode(file: ts.SourceFile, node: ts.Node, message: string): CellSyntaxError {
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return new CellSyntaxError(line + 1, character + 1, message);
}
