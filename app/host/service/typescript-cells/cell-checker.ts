// Type-checks a TypeScript cell (strict) against the workspace's generated SDKs with the compiler API.
import { dirname, join } from "node:path";
import ts from "typescript";
import { RUNTIME_SPECIFIER, runtimeTypesFile } from "./runtime-module.js";

export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
}

/** What a check found: the errors, and the declarations later cells see for this cell's top-level names. */
export interface CellCheck {
  diagnostics: CellDiagnostic[];
  /** name → a global declaration (`declare const x: number;`), for the notebook's scope. */
  declarations: Map<string, string>;
}

const TYPE_FLAGS =
  ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType | ts.TypeFormatFlags.UseStructuralFallback;

/** The console a cell sees (captured by the host); the cell has no DOM and no Node typings. */
const CELL_GLOBALS = `
declare const console: {
  log(...data: unknown[]): void; info(...data: unknown[]): void; debug(...data: unknown[]): void;
  warn(...data: unknown[]): void; error(...data: unknown[]): void;
};
`;

/** Checks cells; keeps the last program so unchanged SDK files and the standard library are not parsed again. */
export class CellChecker {
  #previous: ts.Program | undefined;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** The cell's virtual file: it sits at the workspace root, so cells import SDKs as "./manifests/generated/...". */
  get cellFile(): string {
    return join(this.#root, "__cell__.ts");
  }

  /** Errors in the cell (1-based positions; empty when it type-checks), with `globals` (declarations) in scope. */
  check(source: string, globals = ""): CellCheck {
    const cellFile = this.cellFile;
    const globalsFile = join(this.#root, "__cell_globals__.d.ts");
    const runtimeTypes = runtimeTypesFile();
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2023.d.ts"],
      types: [],
      skipLibCheck: true,
      allowImportingTsExtensions: false,
      baseUrl: this.#root,
      ...(runtimeTypes ? { paths: { [RUNTIME_SPECIFIER]: [runtimeTypes] } } : {}),
    };
    // `export {}` on a line of its own makes the cell a module (top-level await) without moving its lines.
    const texts = new Map([
      [cellFile, `${source}\nexport {};\n`],
      [globalsFile, CELL_GLOBALS + globals],
    ]);
    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (file) => texts.get(file) ?? readFile(file);
    host.fileExists = (file) => texts.has(file) || fileExists(file);
    host.getSourceFile = (file, language, onError, shouldCreate) => {
      const text = texts.get(file);
      return text === undefined
        ? getSourceFile(file, language, onError, shouldCreate)
        : ts.createSourceFile(file, text, language, true);
    };
    host.getDefaultLibLocation = () => dirname(ts.getDefaultLibFilePath(options));
    const program = ts.createProgram({
      rootNames: [cellFile, globalsFile],
      options,
      host,
      ...(this.#previous ? { oldProgram: this.#previous } : {}),
    });
    this.#previous = program;
    const file = program.getSourceFile(cellFile);
    if (!file)
      return {
        diagnostics: [{ line: 1, column: 1, message: "the TypeScript checker could not read the cell" }],
        declarations: new Map(),
      };
    const found = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const diagnostics = found
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => {
        const { line, character } =
          d.start === undefined ? { line: 0, character: 0 } : file.getLineAndCharacterOfPosition(d.start);
        return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
      });
    return {
      diagnostics,
      declarations: diagnostics.length ? new Map() : topLevelDeclarations(file, program.getTypeChecker()),
    };
  }

  /** Forgets the cached program (notebook restart). */
  reset(): void {
    this.#previous = undefined;
  }
}

/** Global declarations for the cell's top-level names, typed as the checker inferred them. */
function topLevelDeclarations(file: ts.SourceFile, checker: ts.TypeChecker): Map<string, string> {
  const declarations = new Map<string, string>();
  const typeOf = (node: ts.Node): string =>
    checker.typeToString(checker.getTypeAtLocation(node), undefined, TYPE_FLAGS);
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      const keyword = statement.declarationList.flags & ts.NodeFlags.Const ? "const" : "let";
      for (const declaration of statement.declarationList.declarations) {
        for (const name of identifiersOf(declaration.name))
          declarations.set(name.text, `declare ${keyword} ${name.text}: ${typeOf(name)};`);
      }
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      const signatures = checker.getSignaturesOfType(checker.getTypeAtLocation(statement.name), ts.SignatureKind.Call);
      const name = statement.name.text;
      declarations.set(
        name,
        signatures
          .map((signature) => `declare function ${name}${checker.signatureToString(signature, undefined, TYPE_FLAGS)};`)
          .join("\n"),
      );
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      // A class's instance type cannot be written without its body; later cells can construct and use it untyped.
      declarations.set(statement.name.text, `declare const ${statement.name.text}: any;`);
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      declarations.set(`type ${statement.name.text}`, statement.getText(file));
    } else if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.importClause &&
      !statement.importClause.isTypeOnly
    ) {
      const module = `import(${JSON.stringify(statement.moduleSpecifier.text)})`;
      const clause = statement.importClause;
      if (clause.name)
        declarations.set(clause.name.text, `declare const ${clause.name.text}: typeof ${module}.default;`);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings))
        declarations.set(bindings.name.text, `declare const ${bindings.name.text}: typeof ${module};`);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if (element.isTypeOnly) continue;
          const exported = (element.propertyName ?? element.name).text;
          declarations.set(
            element.name.text,
            `declare const ${element.name.text}: typeof ${module}[${JSON.stringify(exported)}];`,
          );
        }
      }
    }
  }
  return declarations;
}

function identifiersOf(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isBindingElement(element) ? identifiersOf(element.name) : []));
}
