// Writes the TypeScript source of one generated module: typed async functions and class wrappers.
import type { CallSettings } from "../runtime/sdk-runtime.js";
import type { SelectedClass, SelectedFunction } from "../manifest/resolve-entrypoints.js";
import { CallableKind, type FunctionDescriptor } from "../../../proto/generated/snakebridge/v1/describe.js";
import { emitCallable, type CallableContext, type EmittedCallable } from "./emit-callable.js";
import { renderJsDoc, summary } from "./jsdoc.js";
import { tsIdentifier, uniqueName } from "./naming.js";
import { RUNTIME_TYPE_NAMES } from "./type-mapper.js";

export interface ModuleSource {
  /** Python module name. */
  module: string;
  functions: SelectedFunction[];
  classes: SelectedClass[];
  settings: CallSettings;
  /** Manifest naming overrides: absolute Python path → TypeScript name. */
  names: Readonly<Record<string, string>>;
  context: CallableContext;
  runtimeImport: string;
  /** First line of the file (where it was generated from). */
  banner: string;
}

/** TypeScript class names reserved by the wrapper's own members. */
const WRAPPER_MEMBERS = new Set(["handle", "create", "fromHandle", "release"]);

function functionPath(module: string, fn: FunctionDescriptor): string {
  return fn.path || `${module}.${fn.name}`;
}

/** Emits the module's source text. */
export function emitModule(source: ModuleSource): string {
  const topLevel = new Set<string>(["SETTINGS"]);
  const body: string[] = [];

  for (const cls of source.classes) {
    const path = cls.class.path || `${cls.module}.${cls.class.name}`;
    const name = uniqueName(source.names[path] ?? tsIdentifier(cls.class.name, "preserve"), topLevel);
    body.push(emitClass(source, cls, path, name));
  }
  for (const selected of source.functions) {
    const path = functionPath(selected.module, selected.function);
    const name = uniqueName(
      source.names[path] ?? tsIdentifier(selected.function.name, source.context.naming),
      topLevel,
    );
    const callable = emitCallable(selected.function, path, source.context, path);
    const overloads = callable.overloads
      .map((o) => `export function ${name}${o.typeParams}(${o.parameters}): Promise<${o.returnType}>;\n`)
      .join("");
    body.push(
      renderJsDoc(callable.doc) +
        overloads +
        `export async function ${name}${callable.typeParams}(${callable.parameters}): Promise<${callable.returnType}> {\n` +
        `  ${callable.packing}\n` +
        `  ${returnStatement(callable, `activeRuntime().call(${JSON.stringify(path)}, args, kwargs, SETTINGS)`)}\n` +
        `}\n`,
    );
  }

  const text = body.join("\n");
  const types = RUNTIME_TYPE_NAMES.filter((t) => new RegExp(`\\b${t}\\b`).test(text));
  const imports = ["activeRuntime", "packArguments", "type CallSettings", ...types.map((t) => `type ${t}`)];
  return [
    `// ${source.banner}`,
    `// Python module: ${source.module}. Do not edit: regenerate with \`snakebridge generate\`.`,
    `import { ${imports.join(", ")} } from ${JSON.stringify(source.runtimeImport)};`,
    "",
    `const SETTINGS: CallSettings = ${JSON.stringify(source.settings)};`,
    "",
    text,
  ].join("\n");
}

/** `return …` for a runtime call: wrapped in the generated class when the result is one, else cast to the declared type. */
function returnStatement(callable: EmittedCallable, call: string): string {
  if (callable.wrapReturn) return `return ${callable.wrapReturn}.fromHandle((await ${call}) as PyHandle);`;
  return `return (await ${call}) as ${callable.returnType};`;
}

function isStatic(fn: FunctionDescriptor): boolean {
  return fn.kind === CallableKind.CALLABLE_KIND_CLASS_METHOD || fn.kind === CallableKind.CALLABLE_KIND_STATIC_METHOD;
}

function emitClass(source: ModuleSource, selected: SelectedClass, path: string, name: string): string {
  const cls = selected.class;
  const members = new Set(WRAPPER_MEMBERS);
  const lines: string[] = [];
  lines.push(
    renderJsDoc({
      summary: summary(cls.doc),
      params: [],
      notes: [`Python class \`${path}\`; instances live in a Python worker until release().`],
    }).trimEnd(),
  );
  lines.push(`export class ${name} {`);
  lines.push(`  /** The live Python object this instance stands for. */`);
  lines.push(`  readonly handle: PyHandle;`);
  lines.push("");
  lines.push(`  private constructor(handle: PyHandle) {`);
  lines.push(`    this.handle = handle;`);
  lines.push(`  }`);
  lines.push("");
  lines.push(`  /** Wraps a handle to an existing \`${path}\` object. */`);
  lines.push(`  static fromHandle(handle: PyHandle): ${name} {`);
  lines.push(`    return new ${name}(handle);`);
  lines.push(`  }`);
  lines.push("");
  if (cls.init) {
    const ctor = emitCallable(cls.init, path, { ...source.context, selfClass: path }, path, "  ");
    ctor.doc.summary = ctor.doc.summary || `Creates a \`${path}\` in a Python worker.`;
    ctor.doc.returns = `the new ${name}; call release() when done with it`;
    lines.push(renderJsDoc(ctor.doc, "  ").trimEnd());
    lines.push(`  static async create${ctor.typeParams}(${ctor.parameters}): Promise<${name}> {`);
    lines.push(`    ${ctor.packing}`);
    lines.push(
      `    return new ${name}(await activeRuntime().construct(${JSON.stringify(path)}, args, kwargs, SETTINGS));`,
    );
    lines.push(`  }`);
    lines.push("");
  }
  for (const method of selected.methods) {
    const memberName = uniqueName(
      source.names[`${path}.${method.name}`] ?? tsIdentifier(method.name, source.context.naming),
      members,
    );
    const methodPath = `${path}.${method.name}`;
    const emitted = emitCallable(method, methodPath, { ...source.context, selfClass: path }, methodPath, "  ");
    lines.push(renderJsDoc(emitted.doc, "  ").trimEnd());
    const modifier = isStatic(method) ? "static " : "";
    for (const o of emitted.overloads)
      lines.push(`  ${modifier}${memberName}${o.typeParams}(${o.parameters}): Promise<${o.returnType}>;`);
    lines.push(
      `  ${modifier}async ${memberName}${emitted.typeParams}(${emitted.parameters}): Promise<${emitted.returnType}> {`,
    );
    lines.push(`    ${emitted.packing}`);
    // Class and static methods need no instance: called by their dotted path.
    const call = isStatic(method)
      ? `activeRuntime().call(${JSON.stringify(methodPath)}, args, kwargs, SETTINGS)`
      : `activeRuntime().callMethod(this.handle, ${JSON.stringify(method.name)}, args, kwargs, SETTINGS)`;
    lines.push(`    ${returnStatement(emitted, call)}`);
    lines.push(`  }`);
    lines.push("");
  }
  lines.push(`  /** Frees the Python object now instead of waiting for garbage collection. */`);
  lines.push(`  release(): Promise<void> {`);
  lines.push(`    return this.handle.release();`);
  lines.push(`  }`);
  lines.push(`}`);
  return lines.join("\n") + "\n";
}
