// Runs the CLI from its TypeScript sources (`node --import tsx cli-entry.ts <command> ...`), so process tests need no build.
import { main } from "../main.js";

await main();
