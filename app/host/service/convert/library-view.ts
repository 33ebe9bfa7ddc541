// LibraryDescriptor (proto, numeric enums) → LibraryView (JSON-safe, string enums). The one place this mapping lives.
import type {
  CallableKindView,
  ClassView,
  ConstantView,
  DocBlockView,
  FunctionView,
  LibraryView,
  ModuleView,
  ParameterKindView,
  ParameterView,
  PropertyView,
  SignatureSourceView,
  SignatureView,
  TypeExprView,
  TypeSourceView,
} from "../../../api/library-view.js";
import {
  CallableKind,
  ParameterKind,
  SignatureSource,
  TypeSource,
  type ClassDescriptor,
  type DocBlock,
  type ConstantDescriptor,
  type FunctionDescriptor,
  type LibraryDescriptor,
  type ModuleDescriptor,
  type ParameterDescriptor,
  type PropertyDescriptor,
  type SignatureDescriptor,
  type TypeExpr,
} from "../../../../proto/generated/snakebridge/v1/describe.js";

const PARAMETER_KINDS: Partial<Record<ParameterKind, ParameterKindView>> = {
  [ParameterKind.PARAMETER_KIND_POSITIONAL_ONLY]: "positional_only",
  [ParameterKind.PARAMETER_KIND_POSITIONAL_OR_KEYWORD]: "positional_or_keyword",
  [ParameterKind.PARAMETER_KIND_VAR_POSITIONAL]: "var_positional",
  [ParameterKind.PARAMETER_KIND_KEYWORD_ONLY]: "keyword_only",
  [ParameterKind.PARAMETER_KIND_VAR_KEYWORD]: "var_keyword",
};

const SIGNATURE_SOURCES: Partial<Record<SignatureSource, SignatureSourceView>> = {
  [SignatureSource.SIGNATURE_SOURCE_INSPECT]: "inspect",
  [SignatureSource.SIGNATURE_SOURCE_TEXT_SIGNATURE]: "text_signature",
  [SignatureSource.SIGNATURE_SOURCE_DOCSTRING_SIGNATURE]: "docstring_signature",
  [SignatureSource.SIGNATURE_SOURCE_NUMPYDOC]: "numpydoc",
  [SignatureSource.SIGNATURE_SOURCE_GOOGLE]: "google",
  [SignatureSource.SIGNATURE_SOURCE_OVERLOAD]: "overload",
  [SignatureSource.SIGNATURE_SOURCE_STUBS]: "stubs",
  [SignatureSource.SIGNATURE_SOURCE_NONE]: "none",
};

const TYPE_SOURCES: Partial<Record<TypeSource, TypeSourceView>> = {
  [TypeSource.TYPE_SOURCE_STUBS]: "stubs",
  [TypeSource.TYPE_SOURCE_INLINE]: "inline",
  [TypeSource.TYPE_SOURCE_ANNOTATION]: "annotation",
  [TypeSource.TYPE_SOURCE_DOCSTRING]: "docstring",
  [TypeSource.TYPE_SOURCE_DEFAULT]: "default",
};

function docBlockView(block: DocBlock): DocBlockView {
  const kind = block.kind === "code" || block.kind === "items" || block.kind === "section" ? block.kind : "text";
  return {
    kind,
    title: block.title,
    text: block.text,
    items: block.items.map((i) => ({ name: i.name, type: i.type, description: i.description })),
    blocks: block.blocks.map(docBlockView),
  };
}

const CALLABLE_KINDS: Partial<Record<CallableKind, CallableKindView>> = {
  [CallableKind.CALLABLE_KIND_FUNCTION]: "function",
  [CallableKind.CALLABLE_KIND_BUILTIN]: "builtin",
  [CallableKind.CALLABLE_KIND_METHOD]: "method",
  [CallableKind.CALLABLE_KIND_CLASS_METHOD]: "class_method",
  [CallableKind.CALLABLE_KIND_STATIC_METHOD]: "static_method",
  [CallableKind.CALLABLE_KIND_UFUNC]: "ufunc",
  [CallableKind.CALLABLE_KIND_OTHER]: "other",
};

/** The UI's view of an introspected library. */
export function libraryView(library: LibraryDescriptor, fromCache: boolean): LibraryView {
  return {
    name: library.name,
    version: library.version,
    pythonVersion: library.pythonVersion,
    pythonExecutable: library.pythonExecutable,
    modules: library.modules.map(moduleView),
    warnings: [...library.warnings],
    elapsedMs: library.elapsedMs,
    fromCache,
  };
}

function moduleView(module: ModuleDescriptor): ModuleView {
  return {
    name: module.name,
    doc: module.doc,
    functions: module.functions.map(functionView),
    classes: module.classes.map(classView),
    constants: module.constants.map(constantView),
    submodules: [...module.submodules],
    docBlocks: module.docBlocks.map(docBlockView),
  };
}

function typeView(type: TypeExpr | undefined): TypeExprView | null {
  if (type === undefined) return null;
  return { name: type.name, args: type.args.map((a) => typeView(a)!), literals: [...type.literals], text: type.text };
}

function parameterView(parameter: ParameterDescriptor): ParameterView {
  return {
    name: parameter.name,
    kind: PARAMETER_KINDS[parameter.kind] ?? "positional_or_keyword",
    type: typeView(parameter.type),
    hasDefault: parameter.hasDefault,
    defaultRepr: parameter.defaultRepr,
    doc: parameter.doc,
    typeSource: TYPE_SOURCES[parameter.typeSource] ?? "none",
  };
}

function signatureView(signature: SignatureDescriptor): SignatureView {
  return {
    parameters: signature.parameters.map(parameterView),
    returns: typeView(signature.returns),
    returnsDoc: signature.returnsDoc,
    returnsSource: TYPE_SOURCES[signature.returnsSource] ?? "none",
    source: SIGNATURE_SOURCES[signature.source] ?? "none",
    text: signature.text,
  };
}

function functionView(fn: FunctionDescriptor): FunctionView {
  return {
    name: fn.name,
    path: fn.path,
    doc: fn.doc,
    signatures: fn.signatures.map(signatureView),
    kind: CALLABLE_KINDS[fn.kind] ?? "other",
    isAsync: fn.isAsync,
    isGenerator: fn.isGenerator,
    definedIn: fn.definedIn,
    docBlocks: fn.docBlocks.map(docBlockView),
  };
}

function propertyView(property: PropertyDescriptor): PropertyView {
  return { name: property.name, doc: property.doc, type: typeView(property.type), readonly: property.readonly };
}

function classView(cls: ClassDescriptor): ClassView {
  return {
    name: cls.name,
    path: cls.path,
    doc: cls.doc,
    bases: [...cls.bases],
    init: cls.init === undefined ? null : functionView(cls.init),
    methods: cls.methods.map(functionView),
    properties: cls.properties.map(propertyView),
    definedIn: cls.definedIn,
    docBlocks: cls.docBlocks.map(docBlockView),
  };
}

function constantView(constant: ConstantDescriptor): ConstantView {
  return { name: constant.name, path: constant.path, type: typeView(constant.type), repr: constant.repr };
}
