#!/usr/bin/env node
// The `snakebridge` command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const entry = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "app", "cli", "main.js");
if (!existsSync(entry)) {
  console.error(`snakebridge: ${entry} is missing: the project is not built. Run: npm install (or npm run build)`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
await main();
