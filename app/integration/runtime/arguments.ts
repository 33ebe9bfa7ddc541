// Turns a generated function's TypeScript arguments into Python positional and keyword arguments.

/** One positional parameter slot of a generated function, in Python order. */
export interface PositionalSlot {
  /** The Python parameter name. */
  name: string;
  value: unknown;
  /** Positional-only parameters cannot be passed by name, so nothing may be skipped before them. */
  positionalOnly: boolean;
}

/** What packArguments hands to the runtime. */
export interface PackedArguments {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** Where an argument could not be placed; a TypeScript-side mistake, raised before Python runs. */
export class ArgumentError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "ArgumentError";
  }
}

/**
 * Packs positional slots, *args and a keyword options object.
 * An omitted (undefined) optional slot lets Python use its default: the slots after it are passed by name.
 * `renames` maps the options object's TypeScript keys to Python keyword names; other keys pass unchanged (**kwargs).
 */
export function packArguments(
  target: string,
  slots: readonly PositionalSlot[],
  varArgs: readonly unknown[] | undefined,
  options: Readonly<Record<string, unknown>> | undefined,
  renames: Readonly<Record<string, string>> = {},
): PackedArguments {
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  let skipped: string | undefined;
  for (const slot of slots) {
    if (slot.value === undefined) {
      skipped ??= slot.name;
      continue;
    }
    if (skipped === undefined) {
      args.push(slot.value);
    } else if (slot.positionalOnly) {
      throw new ArgumentError(
        `${target}: "${slot.name}" is positional-only, so "${skipped}" before it cannot be left out; pass a value for "${skipped}"`,
      );
    } else {
      kwargs[slot.name] = slot.value;
    }
  }
  if (varArgs !== undefined && varArgs.length > 0) {
    if (skipped !== undefined) {
      throw new ArgumentError(
        `${target}: extra positional arguments need every parameter before them; pass a value for "${skipped}"`,
      );
    }
    args.push(...varArgs);
  }
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    const name = renames[key] ?? key;
    if (name in kwargs)
      throw new ArgumentError(`${target}: "${name}" was given both positionally and in the options object`);
    kwargs[name] = value;
  }
  return { args, kwargs };
}
