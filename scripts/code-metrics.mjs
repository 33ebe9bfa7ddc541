#!/usr/bin/env node
// Prints the codebase measures the refactor issues track: the largest files, type assertions (`as X`, not
// `as const`) outside tests and generated code, hand-rolled listener sets, and lint layer rules.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.py"], { encoding: "utf8" })
  .split("\n")
  .filter((file) => file && !file.includes("/generated/") && !file.includes("/_generated/"));
const isTest = (file) => /\.test\.tsx?$|\/tests?\/|^e2e\/|\/testing\/|test_[^/]*\.py$/.test(file);

const sizes = files
  .filter((file) => !isTest(file))
  .map((file) => ({ file, lines: readFileSync(file, "utf8").split("\n").length }));
sizes.sort((a, b) => b.lines - a.lines);

let casts = 0;
const castsByFile = new Map();
let listenerSets = 0;
for (const file of files.filter((f) => /\.tsx?$/.test(f) && !isTest(f))) {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const visit = (node) => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && node.type.getText(source) !== "const") {
      casts += 1;
      castsByFile.set(file, (castsByFile.get(file) ?? 0) + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // A listener set is a Set or array of callbacks kept outside app/base's Emitter.
  if (!file.startsWith("app/base/"))
    listenerSets += (
      text.match(/new Set<\(\(?[^>]*\)? =>[^>]*>\(\)|listeners\s*=\s*new Set|listeners:\s*Array</g) ?? []
    ).length;
}

// Layer rules: the lint config's import restrictions, counted as (files, forbidden pattern) pairs.
const config = (await import(pathToFileURL(join(process.cwd(), "eslint.config.js")).href)).default;
let lintRules = 0;
for (const entry of config) {
  for (const name of ["no-restricted-imports", "@typescript-eslint/no-restricted-imports"]) {
    const rule = entry.rules?.[name];
    if (Array.isArray(rule)) lintRules += (rule[1]?.patterns ?? []).length * (entry.files?.length ?? 1);
  }
}

const json = process.argv.includes("--json");
const result = {
  largest: sizes.slice(0, 5),
  casts,
  topCasts: [...castsByFile].sort((a, b) => b[1] - a[1]).slice(0, 8),
  listenerSets,
  lintRules,
};
if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.log("Largest files:");
  for (const { file, lines } of result.largest) console.log(`  ${String(lines).padStart(5)}  ${file}`);
  console.log(`Type assertions outside tests and generated code: ${casts}`);
  for (const [file, count] of result.topCasts) console.log(`  ${String(count).padStart(5)}  ${file}`);
  console.log(`Hand-rolled listener sets (outside app/base): ${listenerSets}`);
  console.log(`Lint layer rules (file group × forbidden import pattern): ${lintRules}`);
}
