import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "app/**/*.test.ts",
      "main/**/*.test.ts",
      "renderer/**/*.test.ts",
      "renderer/**/*.test.tsx",
      "bench/**/*.test.ts",
    ],
    exclude: ["node_modules/**", "dist/**", "e2e/**"],
    // Tests start real Python workers; 2 cores are shared, so leave headroom.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    // Lets the bridge test prove that garbage-collected handles are released in Python.
    pool: "forks",
    execArgv: ["--expose-gc"],
    maxWorkers: 2,
  },
});
