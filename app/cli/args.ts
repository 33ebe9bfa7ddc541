// A small, strict argument parser: known flags only, clear errors for the rest.
import { UsageError } from "./command.js";

export interface FlagSpec {
  /** "boolean" flags take no value; "string" flags take the next argument (or --flag=value). */
  [name: string]: "boolean" | "string";
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** Parses args against a flag spec; unknown flags are usage errors. */
export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    // A lone "-" or a negative number is a value, not a flag.
    if (!arg.startsWith("--") || /^--?\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(", ");
      throw new UsageError(`unknown option --${name}${known ? ` (known: ${known})` : ""}`);
    }
    if (kind === "boolean") {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { positionals, flags };
}

/** A string flag's value, or undefined. */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

/** A numeric flag's value (integer ≥ min), or the fallback. */
export function intFlag(parsed: ParsedArgs, name: string, fallback: number, min = 0): number {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}
