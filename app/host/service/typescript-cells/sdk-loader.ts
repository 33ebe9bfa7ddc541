// Loads workspace TypeScript modules (generated SDKs) into the host: each is transpiled to an .mjs mirror
// under .snakebridge/ts-build, with its runtime import pointed at the host's own runtime module.
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { RequestError } from "../api-errors.js";
import { RUNTIME_SPECIFIER, isRuntimeFile, runtimeModuleUrl } from "./runtime-module.js";

/** Loads modules for cells; a change to any file loads a fresh copy (Node caches modules by URL). */
export class SdkLoader {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** Imports `specifier` as written in a cell at the workspace root. */
  async load(specifier: string): Promise<unknown> {
    if (specifier === RUNTIME_SPECIFIER) return import(runtimeModuleUrl);
    if (!specifier.startsWith(".")) {
      throw new RequestError(
        "bad_request",
        `cells import workspace files ("./manifests/generated/x/index.js") or "${RUNTIME_SPECIFIER}", not "${specifier}"`,
      );
    }
    const entry = this.#resolveTs(resolve(this.#root, specifier), specifier);
    if (isRuntimeFile(entry)) return import(runtimeModuleUrl);
    const closure = await this.#closure(entry);
    const hash = createHash("sha256");
    for (const file of closure) hash.update(`${file}\0${statSync(file).mtimeMs}\0`);
    const outDir = join(this.#root, ".snakebridge", "ts-build", hash.digest("hex").slice(0, 16));
    for (const file of closure) await this.#emit(file, outDir);
    return import(pathToFileURL(this.#mirror(entry, outDir)).href);
  }

  /** The .ts file an import of `target` (written with .js, or without extension) means. */
  #resolveTs(target: string, specifier: string): string {
    const stem = target.replace(/\.(m?js|ts)$/, "");
    const candidates = [`${stem}.ts`, join(stem, "index.ts"), `${stem}.mts`];
    const found = candidates.find((c) => existsSync(c));
    if (found === undefined) {
      if (isRuntimeFile(target)) return target;
      throw new RequestError(
        "not_found",
        `cannot find "${specifier}" (looked for ${candidates.map((c) => relative(this.#root, c)).join(", ")}); generate the SDK from its manifest first`,
      );
    }
    const inside = relative(this.#root, found);
    if (inside.startsWith(".."))
      throw new RequestError("bad_request", `"${specifier}" is outside the workspace ${this.#root}`);
    return found;
  }

  /** The entry file and every workspace module it imports, transitively. */
  async #closure(entry: string): Promise<string[]> {
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file) || isRuntimeFile(file)) return;
      seen.add(file);
      const info = ts.preProcessFile(await readFile(file, "utf8"), true, false);
      for (const ref of info.importedFiles) {
        if (ref.fileName.startsWith("."))
          await visit(this.#resolveTs(resolve(dirname(file), ref.fileName), ref.fileName));
      }
    };
    await visit(entry);
    return [...seen];
  }

  #mirror(file: string, outDir: string): string {
    return join(outDir, relative(this.#root, file)).replace(/\.m?ts$/, ".mjs");
  }

  async #emit(file: string, outDir: string): Promise<void> {
    const target = this.#mirror(file, outDir);
    if (existsSync(target)) return;
    const output = ts.transpileModule(await readFile(file, "utf8"), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      fileName: file,
      transformers: { after: [rewriteSpecifiers((spec) => this.#specifierFor(spec, file, outDir))] },
    }).outputText;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output, "utf8");
  }

  /** Where an import inside a mirrored module points: the host runtime, or a sibling .mjs mirror. */
  #specifierFor(spec: string, from: string, outDir: string): string {
    if (spec === RUNTIME_SPECIFIER) return runtimeModuleUrl;
    if (!spec.startsWith(".")) return spec;
    const target = resolve(dirname(from), spec);
    if (isRuntimeFile(target) || isRuntimeFile(target.replace(/\.js$/, ".ts"))) return runtimeModuleUrl;
    return pathToFileURL(this.#mirror(this.#resolveTs(target, spec), outDir)).href;
  }
}

/** A transformer that rewrites the string of every import/export-from declaration. */
function rewriteSpecifiers(map: (specifier: string) => string): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (file) => {
    const { factory } = context;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return factory.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          factory.createStringLiteral(map(node.moduleSpecifier.text)),
          node.attributes,
        );
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return factory.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          factory.createStringLiteral(map(node.moduleSpecifier.text)),
          node.attributes,
        );
      }
      return node;
    };
    return ts.visitEachChild(file, visit, context);
  };
}
