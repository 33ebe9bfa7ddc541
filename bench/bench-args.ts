// Command-line options shared by the standalone benchmarks (`npx tsx bench/<name>.ts --flag N`).

/** The positive whole number given as `--name N`, or `fallback` when the flag is absent. */
export function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive whole number, got ${process.argv[index + 1] ?? "nothing"}`);
  return value;
}
