// One Python callable → a TypeScript parameter list, the argument packing, a return type and its JSDoc.
import {
  ParameterKind,
  SignatureSource,
  TypeSource,
  type FunctionDescriptor,
  type ParameterDescriptor,
  type SignatureDescriptor,
} from "../../../proto/generated/snakebridge/v1/describe.js";
import type { ArrayMode, NamingStyle } from "../manifest/types.js";
import { summary, type DocBlock } from "./jsdoc.js";
import { tsIdentifier, uniqueName } from "./naming.js";
import { mapType, typeParameters, type TypeMapContext } from "./type-mapper.js";

export interface CallableContext {
  naming: NamingStyle;
  arrays: ArrayMode;
  knownClasses: ReadonlyMap<string, string>;
  /** Python path of the class whose member this is (`Self` and own-class returns become its wrapper). */
  selfClass?: string;
}

/** One TypeScript overload declaration (from a typing.overload / stub overload variant). */
export interface EmittedOverload {
  typeParams: string;
  parameters: string;
  returnType: string;
}

export interface EmittedCallable {
  /** The parameter list without parentheses. */
  parameters: string;
  /** Statement that defines `args` and `kwargs` for the runtime call. */
  packing: string;
  returnType: string;
  /** Type parameter list, e.g. "<T>", or "". */
  typeParams: string;
  /** Set when the result is an instance of a generated class: the handle is wrapped in it. */
  wrapReturn?: string;
  /** Overload declarations to write before the implementation (empty when the variants cannot be expressed). */
  overloads: EmittedOverload[];
  doc: DocBlock;
}

/** Where a signature came from, as JSDoc words. */
export function sourceLabel(source: SignatureSource): string {
  switch (source) {
    case SignatureSource.SIGNATURE_SOURCE_INSPECT:
      return "inspect.signature";
    case SignatureSource.SIGNATURE_SOURCE_TEXT_SIGNATURE:
      return "__text_signature__";
    case SignatureSource.SIGNATURE_SOURCE_DOCSTRING_SIGNATURE:
      return "the docstring's signature line";
    case SignatureSource.SIGNATURE_SOURCE_NUMPYDOC:
      return "numpydoc sections";
    case SignatureSource.SIGNATURE_SOURCE_GOOGLE:
      return "Google-style docstring sections";
    case SignatureSource.SIGNATURE_SOURCE_OVERLOAD:
      return "typing.overload";
    case SignatureSource.SIGNATURE_SOURCE_STUBS:
      return "type stubs";
    default:
      return "nothing (called as *args, **kwargs)";
  }
}

/** True when a signature's full parameter list is known. */
export function isRecovered(signature: SignatureDescriptor | undefined): boolean {
  return (
    signature !== undefined &&
    signature.source !== SignatureSource.SIGNATURE_SOURCE_NONE &&
    signature.source !== SignatureSource.SIGNATURE_SOURCE_UNSPECIFIED
  );
}

/** The (*args, **kwargs) signature used when nothing was recovered. */
function openSignature(): SignatureDescriptor {
  const param = (name: string, kind: ParameterKind): ParameterDescriptor => ({
    name,
    kind,
    type: undefined,
    hasDefault: false,
    defaultRepr: "",
    doc: "",
    typeSource: TypeSource.TYPE_SOURCE_NONE,
  });
  return {
    parameters: [
      param("args", ParameterKind.PARAMETER_KIND_VAR_POSITIONAL),
      param("kwargs", ParameterKind.PARAMETER_KIND_VAR_KEYWORD),
    ],
    returns: undefined,
    source: SignatureSource.SIGNATURE_SOURCE_NONE,
    text: "(*args, **kwargs)",
    returnsDoc: "",
    returnsSource: TypeSource.TYPE_SOURCE_NONE,
  };
}

function isPositional(kind: ParameterKind): boolean {
  return (
    kind === ParameterKind.PARAMETER_KIND_POSITIONAL_ONLY ||
    kind === ParameterKind.PARAMETER_KIND_POSITIONAL_OR_KEYWORD ||
    kind === ParameterKind.PARAMETER_KIND_UNSPECIFIED
  );
}

function paramType(param: ParameterDescriptor, context: TypeMapContext): string {
  const mapped = mapType(param.type, context);
  // A None default means None is accepted, whatever the annotation says.
  if (param.hasDefault && param.defaultRepr === "None" && mapped !== "unknown" && !mapped.split(" | ").includes("null"))
    return `${mapped} | null`;
  return mapped;
}

function paramDoc(param: ParameterDescriptor): string {
  const text = summary(param.doc);
  return param.hasDefault ? `${text}${text ? " " : ""}(Python default: ${param.defaultRepr})` : text;
}

/** The generated class a result is an instance of (`Self` or a wrapped class, exactly), or undefined. */
function returnedClass(signature: SignatureDescriptor, context: CallableContext): string | undefined {
  const returns = signature.returns;
  if (returns === undefined) return undefined;
  const path = returns.name === "Self" ? context.selfClass : returns.name;
  return path === undefined ? undefined : context.knownClasses.get(path);
}

/** Parameter names and kinds, the shape overload variants must share with the implementation. */
function shapeOf(signature: SignatureDescriptor): string {
  return signature.parameters.map((p) => `${p.kind}:${p.name}`).join(",");
}

/** Emits the TypeScript side of calling `fn`: its first signature is the implementation, further ones TypeScript overloads. */
export function emitCallable(
  fn: FunctionDescriptor,
  pythonPath: string,
  context: CallableContext,
  displayName: string,
  indent = "",
): EmittedCallable {
  const recovered = fn.signatures[0];
  const signature =
    recovered && recovered.source !== SignatureSource.SIGNATURE_SOURCE_NONE ? recovered : openSignature();
  const main = emitSignature(signature, pythonPath, context, indent);
  const variants = fn.signatures.slice(1);
  // With stubs the general signature comes first, then each stub overload: TypeScript overloads need the same parameter shape.
  const overloads =
    variants.length &&
    variants.every((v) => v.source === SignatureSource.SIGNATURE_SOURCE_STUBS && shapeOf(v) === shapeOf(signature))
      ? variants.map((v) => {
          const emitted = emitSignature(v, pythonPath, context, indent, true);
          return { typeParams: emitted.typeParams, parameters: emitted.parameters, returnType: emitted.returnType };
        })
      : [];
  main.doc.summary = summary(fn.doc);
  main.doc.notes.push(`Python: \`${displayName}${signature.text}\` (signature from ${sourceLabel(signature.source)})`);
  if (!overloads.length) for (const variant of variants) main.doc.notes.push(`Also: \`${displayName}${variant.text}\``);
  return { ...main, overloads };
}

/** The TypeVars a signature's parameters still show once mapped (numpy's dtype[_ScalarT] maps to a dtype, dropping _ScalarT). */
function usedTypeParameters(
  signature: SignatureDescriptor,
  base: TypeMapContext,
): { names: Map<string, string>; declaration: string } {
  const all = typeParameters(
    signature.parameters.map((p) => p.type),
    base,
  );
  if (!all.names.size) return all;
  const shown = signature.parameters.map((p) => mapType(p.type, { ...base, typeParams: all.names })).join(" ");
  const used = signature.parameters.map((p) => p.type).filter((t) => t !== undefined);
  const kept = typeParameters(used, base, (tsName) => new RegExp(`\\b${tsName}\\b`).test(shown));
  return kept;
}

/** One signature's TypeScript; `declaration` writes an overload (optional markers instead of initializers). */
function emitSignature(
  signature: SignatureDescriptor,
  pythonPath: string,
  context: CallableContext,
  indent: string,
  declaration = false,
): Omit<EmittedCallable, "overloads"> {
  const params = context.knownClasses;
  const base: TypeMapContext = {
    position: "parameter",
    arrays: context.arrays,
    knownClasses: params,
    ...(context.selfClass ? { selfClass: context.selfClass } : {}),
  };
  const generics = usedTypeParameters(signature, base);
  const inputs: TypeMapContext = { ...base, typeParams: generics.names };
  const outputs: TypeMapContext = { ...inputs, position: "return" };
  const taken = new Set<string>(["args", "kwargs"]);
  const positional = signature.parameters.filter((p) => isPositional(p.kind));
  const varPositional = signature.parameters.find((p) => p.kind === ParameterKind.PARAMETER_KIND_VAR_POSITIONAL);
  // Private keyword-only parameters (`_normalize`) are implementation details; a required one is still exposed.
  const keywordOnly = signature.parameters.filter(
    (p) => p.kind === ParameterKind.PARAMETER_KIND_KEYWORD_ONLY && (!p.name.startsWith("_") || !p.hasDefault),
  );
  const varKeyword = signature.parameters.find((p) => p.kind === ParameterKind.PARAMETER_KIND_VAR_KEYWORD);
  const hasOptions = keywordOnly.length > 0 || varKeyword !== undefined;
  const optionsRequired = keywordOnly.some((p) => !p.hasDefault);
  const doc: DocBlock = { summary: "", params: [], notes: [] };

  const list: string[] = [];
  const slots: string[] = [];
  for (const p of positional) {
    const name = uniqueName(tsIdentifier(p.name, context.naming), taken);
    const type = paramType(p, inputs);
    // After a required options object TypeScript allows no `?`, so an optional slot says `| undefined`.
    list.push(
      p.hasDefault ? (optionsRequired ? `${name}: ${type} | undefined` : `${name}?: ${type}`) : `${name}: ${type}`,
    );
    slots.push(
      `{ name: ${JSON.stringify(p.name)}, value: ${name}, positionalOnly: ${p.kind === ParameterKind.PARAMETER_KIND_POSITIONAL_ONLY} }`,
    );
    doc.params.push({ name, text: paramDoc(p) });
  }
  let varArgs = "undefined";
  if (varPositional) {
    const name = uniqueName(tsIdentifier(varPositional.name, context.naming), taken);
    const element = mapType(varPositional.type, inputs);
    const elementList = /^[\w.<>, ]+$/.test(element) ? `${element}[]` : `(${element})[]`;
    list.push(
      hasOptions
        ? optionsRequired
          ? `${name}: ${elementList}`
          : declaration
            ? `${name}?: ${elementList}`
            : `${name}: ${elementList} = []`
        : `...${name}: ${elementList}`,
    );
    varArgs = name;
    doc.params.push({
      name,
      text: `${summary(varPositional.doc) || "Extra positional arguments"} (Python *${varPositional.name})`,
    });
  }
  let options = "undefined";
  const renames: string[] = [];
  if (hasOptions) {
    const name = uniqueName("options", taken);
    const optionTaken = new Set<string>();
    const fields = keywordOnly.map((p) => {
      const key = uniqueName(tsIdentifier(p.name, context.naming).replace(/_$/, ""), optionTaken);
      if (key !== p.name) renames.push(`${JSON.stringify(key)}: ${JSON.stringify(p.name)}`);
      const fieldDoc = paramDoc(p);
      const comment = fieldDoc ? `${indent}  /** ${fieldDoc.replace(/\*\//g, "*\\/")} */\n` : "";
      return `${comment}${indent}  ${key}${p.hasDefault ? "?" : ""}: ${paramType(p, inputs)};`;
    });
    const objectType = fields.length ? `{\n${fields.join("\n")}\n${indent}}` : "";
    const extra = varKeyword ? "{ readonly [keyword: string]: unknown }" : "";
    const type = [objectType, extra].filter(Boolean).join(" & ");
    list.push(optionsRequired ? `${name}: ${type}` : declaration ? `${name}?: ${type}` : `${name}: ${type} = {}`);
    options = name;
    const described = keywordOnly.map((p) => p.name).join(", ");
    doc.params.push({
      name,
      text: `Keyword arguments${described ? `: ${described}` : ""}${varKeyword ? ` and any other keyword (Python **${varKeyword.name})` : ""}`,
    });
  }
  const renameMap = renames.length ? `, { ${renames.join(", ")} }` : "";
  const packing = `const { args, kwargs } = packArguments(${JSON.stringify(pythonPath)}, [${slots.join(", ")}], ${varArgs}, ${options}${renameMap});`;

  doc.returns = summary(signature.returnsDoc) || undefined;
  const wrapReturn = returnedClass(signature, context);
  return {
    parameters: list.join(", "),
    packing,
    returnType: wrapReturn ?? mapType(signature.returns, outputs),
    typeParams: generics.declaration,
    ...(wrapReturn ? { wrapReturn } : {}),
    doc,
  };
}
