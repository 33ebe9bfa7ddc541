// One Python callable → a TypeScript parameter list, the argument packing, a return type and its JSDoc.
import {
  ParameterKind, SignatureSource, type FunctionDescriptor, type ParameterDescriptor, type SignatureDescriptor,
} from "../../../proto/generated/snakebridge/v1/describe.js";
import type { ArrayMode, NamingStyle } from "../manifest/types.js";
import { summary, type DocBlock } from "./jsdoc.js";
import { tsIdentifier, uniqueName } from "./naming.js";
import { mapType, type TypeMapContext } from "./type-mapper.js";

export interface CallableContext {
  naming: NamingStyle;
  arrays: ArrayMode;
  knownClasses: ReadonlyMap<string, string>;
}

export interface EmittedCallable {
  /** The parameter list without parentheses. */
  parameters: string;
  /** Statement that defines `args` and `kwargs` for the runtime call. */
  packing: string;
  returnType: string;
  doc: DocBlock;
}

/** Where a signature came from, as JSDoc words. */
export function sourceLabel(source: SignatureSource): string {
  switch (source) {
    case SignatureSource.SIGNATURE_SOURCE_INSPECT: return "inspect.signature";
    case SignatureSource.SIGNATURE_SOURCE_TEXT_SIGNATURE: return "__text_signature__";
    case SignatureSource.SIGNATURE_SOURCE_DOCSTRING_SIGNATURE: return "the docstring's signature line";
    case SignatureSource.SIGNATURE_SOURCE_NUMPYDOC: return "numpydoc sections";
    case SignatureSource.SIGNATURE_SOURCE_GOOGLE: return "Google-style docstring sections";
    case SignatureSource.SIGNATURE_SOURCE_OVERLOAD: return "typing.overload";
    default: return "nothing (called as *args, **kwargs)";
  }
}

/** True when a signature's full parameter list is known. */
export function isRecovered(signature: SignatureDescriptor | undefined): boolean {
  return signature !== undefined && signature.source !== SignatureSource.SIGNATURE_SOURCE_NONE && signature.source !== SignatureSource.SIGNATURE_SOURCE_UNSPECIFIED;
}

/** The (*args, **kwargs) signature used when nothing was recovered. */
function openSignature(): SignatureDescriptor {
  const param = (name: string, kind: ParameterKind): ParameterDescriptor => ({ name, kind, type: undefined, hasDefault: false, defaultRepr: "", doc: "" });
  return {
    parameters: [param("args", ParameterKind.PARAMETER_KIND_VAR_POSITIONAL), param("kwargs", ParameterKind.PARAMETER_KIND_VAR_KEYWORD)],
    returns: undefined, source: SignatureSource.SIGNATURE_SOURCE_NONE, text: "(*args, **kwargs)", returnsDoc: "",
  };
}

function isPositional(kind: ParameterKind): boolean {
  return kind === ParameterKind.PARAMETER_KIND_POSITIONAL_ONLY || kind === ParameterKind.PARAMETER_KIND_POSITIONAL_OR_KEYWORD || kind === ParameterKind.PARAMETER_KIND_UNSPECIFIED;
}

function paramType(param: ParameterDescriptor, context: TypeMapContext): string {
  const mapped = mapType(param.type, context);
  // A None default means None is accepted, whatever the annotation says.
  if (param.hasDefault && param.defaultRepr === "None" && mapped !== "unknown" && !mapped.split(" | ").includes("null")) return `${mapped} | null`;
  return mapped;
}

function paramDoc(param: ParameterDescriptor): string {
  const text = summary(param.doc);
  return param.hasDefault ? `${text}${text ? " " : ""}(Python default: ${param.defaultRepr})` : text;
}

/** Emits the TypeScript side of calling `fn` (its first signature; overload variants are listed in the JSDoc). */
export function emitCallable(fn: FunctionDescriptor, pythonPath: string, context: CallableContext, displayName: string, indent = ""): EmittedCallable {
  const recovered = fn.signatures[0];
  const signature = recovered && recovered.source !== SignatureSource.SIGNATURE_SOURCE_NONE ? recovered : openSignature();
  const params = context.knownClasses;
  const inputs: TypeMapContext = { position: "parameter", arrays: context.arrays, knownClasses: params };
  const outputs: TypeMapContext = { position: "return", arrays: context.arrays, knownClasses: params };
  const taken = new Set<string>(["args", "kwargs"]);
  const positional = signature.parameters.filter((p) => isPositional(p.kind));
  const varPositional = signature.parameters.find((p) => p.kind === ParameterKind.PARAMETER_KIND_VAR_POSITIONAL);
  // Private keyword-only parameters (`_normalize`) are implementation details; a required one is still exposed.
  const keywordOnly = signature.parameters.filter((p) => p.kind === ParameterKind.PARAMETER_KIND_KEYWORD_ONLY && (!p.name.startsWith("_") || !p.hasDefault));
  const varKeyword = signature.parameters.find((p) => p.kind === ParameterKind.PARAMETER_KIND_VAR_KEYWORD);
  const hasOptions = keywordOnly.length > 0 || varKeyword !== undefined;
  const optionsRequired = keywordOnly.some((p) => !p.hasDefault);
  const doc: DocBlock = { summary: summary(fn.doc), params: [], notes: [] };

  const list: string[] = [];
  const slots: string[] = [];
  for (const p of positional) {
    const name = uniqueName(tsIdentifier(p.name, context.naming), taken);
    const type = paramType(p, inputs);
    // After a required options object TypeScript allows no `?`, so an optional slot says `| undefined`.
    list.push(p.hasDefault ? (optionsRequired ? `${name}: ${type} | undefined` : `${name}?: ${type}`) : `${name}: ${type}`);
    slots.push(`{ name: ${JSON.stringify(p.name)}, value: ${name}, positionalOnly: ${p.kind === ParameterKind.PARAMETER_KIND_POSITIONAL_ONLY} }`);
    doc.params.push({ name, text: paramDoc(p) });
  }
  let varArgs = "undefined";
  if (varPositional) {
    const name = uniqueName(tsIdentifier(varPositional.name, context.naming), taken);
    const element = mapType(varPositional.type, inputs);
    const elementList = /^[\w.<>, ]+$/.test(element) ? `${element}[]` : `(${element})[]`;
    list.push(hasOptions ? (optionsRequired ? `${name}: ${elementList}` : `${name}: ${elementList} = []`) : `...${name}: ${elementList}`);
    varArgs = name;
    doc.params.push({ name, text: `${summary(varPositional.doc) || "Extra positional arguments"} (Python *${varPositional.name})` });
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
    list.push(optionsRequired ? `${name}: ${type}` : `${name}: ${type} = {}`);
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
  doc.notes.push(`Python: \`${displayName}${signature.text}\` (signature from ${sourceLabel(signature.source)})`);
  for (const variant of fn.signatures.slice(1)) doc.notes.push(`Also: \`${displayName}${variant.text}\``);
  return { parameters: list.join(", "), packing, returnType: mapType(signature.returns, outputs), doc };
}
