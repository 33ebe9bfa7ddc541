#!/usr/bin/env node
// Regenerates the TypeScript (ts-proto) and Python (grpcio-tools) code for proto/.
// With --check, generates into a temporary folder and fails if the committed output differs.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { projectRoot, venvPython } from "./paths.mjs";

const TS_OUT = join(projectRoot, "proto", "generated");
const PY_OUT = join(projectRoot, "python", "snakebridge_worker", "_generated");
const PROTO_ROOT = join(projectRoot, "proto");
const TS_PROTO_OPTIONS = [
  "outputServices=grpc-js",
  "esModuleInterop=true",
  "env=node",
  "forceLong=bigint",
  "oneof=unions-value",
  "importSuffix=.js",
  "useOptionals=none",
  "outputTypeRegistry=false",
].join(",");
// The training contract is plain data that the Workbench API (and so the browser) shares: its TypeScript keeps the
// stored snake_case keys, makes enums string literals and int64 a number, and has JSON decoders only.
const PLAIN_DATA_PROTOS = [join("snakebridge", "v1", "training.proto")];
const TS_PROTO_PLAIN_DATA_OPTIONS = [
  "esModuleInterop=true",
  "forceLong=number",
  "oneof=unions-value",
  "importSuffix=.js",
  "useOptionals=none",
  "useNullAsOptional=true",
  "snakeToCamel=false",
  "stringEnums=true",
  "enumsAsLiterals=true",
  "unrecognizedEnum=false",
  "outputEncodeMethods=false",
  "outputJsonMethods=from-only",
  "outputPartialMethods=false",
  "outputServices=false",
  "outputTypeRegistry=false",
].join(",");

function protoFiles() {
  const dir = join(PROTO_ROOT, "snakebridge", "v1");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".proto"))
    .map((f) => join("snakebridge", "v1", f));
}

function generate(tsOut, pyOut) {
  const python = venvPython();
  if (!existsSync(python)) {
    throw new Error(`The project venv is missing (${python}). Run: npm install`);
  }
  mkdirSync(tsOut, { recursive: true });
  mkdirSync(pyOut, { recursive: true });
  const plugin = join(projectRoot, "node_modules", ".bin", "protoc-gen-ts_proto");
  const protoc = (args) =>
    execFileSync(
      python,
      ["-m", "grpc_tools.protoc", `-I${PROTO_ROOT}`, `--plugin=protoc-gen-ts_proto=${plugin}`, ...args],
      {
        cwd: PROTO_ROOT,
        stdio: "inherit",
      },
    );
  const files = protoFiles();
  protoc([`--python_out=${pyOut}`, `--pyi_out=${pyOut}`, `--grpc_python_out=${pyOut}`, ...files]);
  protoc([
    `--ts_proto_out=${tsOut}`,
    `--ts_proto_opt=${TS_PROTO_OPTIONS}`,
    ...files.filter((f) => !PLAIN_DATA_PROTOS.includes(f)),
  ]);
  protoc([`--ts_proto_out=${tsOut}`, `--ts_proto_opt=${TS_PROTO_PLAIN_DATA_OPTIONS}`, ...PLAIN_DATA_PROTOS]);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => !f.includes("__pycache__") && statSync(join(dir, f)).isFile())
    .sort();
}

function diffTrees(expected, actual) {
  const a = listFiles(expected);
  const b = listFiles(actual);
  const problems = [];
  for (const f of new Set([...a, ...b])) {
    if (!a.includes(f)) problems.push(`stale file (no longer generated): ${relative(projectRoot, join(actual, f))}`);
    else if (!b.includes(f)) problems.push(`missing generated file: ${relative(projectRoot, join(actual, f))}`);
    else if (!readFileSync(join(expected, f)).equals(readFileSync(join(actual, f)))) {
      problems.push(`out of date: ${relative(projectRoot, join(actual, f))}`);
    }
  }
  return problems;
}

if (process.argv.includes("--check")) {
  const scratch = mkdtempSync(join(tmpdir(), "snakebridge-proto-"));
  try {
    generate(join(scratch, "ts"), join(scratch, "py"));
    const problems = [...diffTrees(join(scratch, "ts"), TS_OUT), ...diffTrees(join(scratch, "py"), PY_OUT)];
    if (problems.length > 0) {
      console.error("Generated proto code is stale:\n  " + problems.join("\n  ") + "\nRun: npm run proto");
      process.exit(1);
    }
    console.log("Generated proto code is up to date.");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  rmSync(TS_OUT, { recursive: true, force: true });
  rmSync(PY_OUT, { recursive: true, force: true });
  generate(TS_OUT, PY_OUT);
  console.log(`Generated ${relative(projectRoot, TS_OUT)} and ${relative(projectRoot, PY_OUT)}`);
}
