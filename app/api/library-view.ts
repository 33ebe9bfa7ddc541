// Introspected libraries as the UI sees them (JSON-safe mirrors of describe.proto).

export type ParameterKindView =
  "positional_only" | "positional_or_keyword" | "var_positional" | "keyword_only" | "var_keyword";
export type SignatureSourceView =
  "inspect" | "text_signature" | "docstring_signature" | "numpydoc" | "google" | "overload" | "stubs" | "none";
/** Where a parameter's or return's type came from (describe.proto TypeSource). */
export type TypeSourceView = "stubs" | "inline" | "annotation" | "docstring" | "default" | "none";

/** One documented name of an items section ("x : int" and its description). */
export interface DocItemView {
  name: string;
  type: string;
  description: string;
}

/** A docstring parsed once, in the worker: "text" (RST inline markup kept), "code", "items" or "section". */
export interface DocBlockView {
  kind: "text" | "code" | "items" | "section";
  title: string;
  text: string;
  items: DocItemView[];
  blocks: DocBlockView[];
}
export type CallableKindView = "function" | "builtin" | "method" | "class_method" | "static_method" | "ufunc" | "other";

export interface TypeExprView {
  name: string;
  args: TypeExprView[];
  literals: string[];
  text: string;
}

export interface ParameterView {
  name: string;
  kind: ParameterKindView;
  type: TypeExprView | null;
  hasDefault: boolean;
  defaultRepr: string;
  doc: string;
  typeSource: TypeSourceView;
}

export interface SignatureView {
  parameters: ParameterView[];
  returns: TypeExprView | null;
  returnsDoc: string;
  returnsSource: TypeSourceView;
  source: SignatureSourceView;
  /** As Python prints it: "(start, stop, num=50, *, dtype=None)". */
  text: string;
}

export interface FunctionView {
  name: string;
  path: string;
  doc: string;
  signatures: SignatureView[];
  kind: CallableKindView;
  isAsync: boolean;
  isGenerator: boolean;
  definedIn: string;
  docBlocks: DocBlockView[];
}

export interface PropertyView {
  name: string;
  doc: string;
  type: TypeExprView | null;
  readonly: boolean;
}

export interface ClassView {
  name: string;
  path: string;
  doc: string;
  bases: string[];
  /** The constructor (__init__) as a callable; not `constructor`, which every JS object already has. */
  init: FunctionView | null;
  methods: FunctionView[];
  properties: PropertyView[];
  definedIn: string;
  docBlocks: DocBlockView[];
}

export interface ConstantView {
  name: string;
  path: string;
  type: TypeExprView | null;
  repr: string;
}

export interface ModuleView {
  name: string;
  doc: string;
  functions: FunctionView[];
  classes: ClassView[];
  constants: ConstantView[];
  submodules: string[];
  docBlocks: DocBlockView[];
}

export interface LibraryView {
  name: string;
  version: string;
  pythonVersion: string;
  pythonExecutable: string;
  modules: ModuleView[];
  warnings: string[];
  elapsedMs: number;
  /** True when the answer came from the descriptor cache without running Python. */
  fromCache: boolean;
}

/** A library in the descriptor cache. */
export interface CachedLibraryView {
  name: string;
  version: string;
  describedAt: number;
}
