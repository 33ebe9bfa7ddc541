// Type-checks a TypeScript cell (strict) against the workspace's generated SDKs with the compiler API.
import { dirname, join } from "node:path";
import ts from "typescript";
import { RUNTIME_SPECIFIER, runtimeTypesFile } from "./runtime-module.js";

export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
}

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

  constructor(private readonly root: string) {}

  /** The cell's virtual file: it sits at the workspace root, so cells import SDKs as "./manifests/generated/...". */
  get cellFile(): string {
    return join(this.root, "__cell__.ts");
  }

  /** Errors in the cell (1-based positions); empty when it type-checks. */
  check(source: string): CellDiagnostic[] {
    const cellFile = this.cellFile;
    const globalsFile = join(this.root, "__cell_globals__.d.ts");
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
      baseUrl: this.root,
      ...(runtimeTypes ? { paths: { [RUNTIME_SPECIFIER]: [runtimeTypes] } } : {}),
    };
    // `export {}` on a line of its own makes the cell a module (top-level await) without moving its lines.
    const texts = new Map([[cellFile, `${source}\nexport {};\n`], [globalsFile, CELL_GLOBALS]]);
    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (file) => texts.get(file) ?? readFile(file);
    host.fileExists = (file) => texts.has(file) || fileExists(file);
    host.getSourceFile = (file, language, onError, shouldCreate) => {
      const text = texts.get(file);
      return text === undefined ? getSourceFile(file, language, onError, shouldCreate) : ts.createSourceFile(file, text, language, true);
    };
    host.getDefaultLibLocation = () => dirname(ts.getDefaultLibFilePath(options));
    const program = ts.createProgram({ rootNames: [cellFile, globalsFile], options, host, ...(this.#previous ? { oldProgram: this.#previous } : {}) });
    this.#previous = program;
    const file = program.getSourceFile(cellFile);
    if (!file) return [{ line: 1, column: 1, message: "the TypeScript checker could not read the cell" }];
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    return diagnostics
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => {
        const { line, character } = d.start === undefined ? { line: 0, character: 0 } : file.getLineAndCharacterOfPosition(d.start);
        return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
      });
  }

  /** Forgets the cached program (notebook restart). */
  reset(): void {
    this.#previous = undefined;
  }
}
