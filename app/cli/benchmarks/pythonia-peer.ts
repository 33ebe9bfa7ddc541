// The peer bridge in the engine bench: pythonia (JSPyBridge), a devDependency imported only here, and only if present.

/** The small part of pythonia's API the bench uses. */
interface PythoniaModule {
  python: ((module: string) => Promise<PythoniaOperator>) & { exit(): void };
}

interface PythoniaOperator {
  add(a: number, b: number): Promise<number>;
}

/** pythonia started on one interpreter, or why it could not be. */
export type PeerStart = { ok: true; peer: PythoniaPeer } | { ok: false; reason: string };

/** One pythonia bridge (one Python process), calling operator.add like the other paths of the bench. */
export class PythoniaPeer {
  readonly #module: PythoniaModule;
  readonly #operator: PythoniaOperator;

  private constructor(module: PythoniaModule, operator: PythoniaOperator) {
    this.#module = module;
    this.#operator = operator;
  }

  /** Imports pythonia (it starts its Python process on import) with `python` as its interpreter. */
  static async start(python: string): Promise<PeerStart> {
    // pythonia reads PYTHON_BIN when it spawns, which happens on import.
    const previous = process.env.PYTHON_BIN;
    process.env.PYTHON_BIN = python;
    try {
      const specifier = "pythonia"; // a variable: the CLI must build and run without this devDependency
      const imported = (await import(specifier)) as Partial<PythoniaModule> & { default?: Partial<PythoniaModule> };
      const module = imported.python ? imported : imported.default;
      if (!module?.python) return { ok: false, reason: "pythonia is installed but exports no python()" };
      const operator = await withTimeout(module.python("operator"), 30_000, "pythonia did not start within 30 s");
      return { ok: true, peer: new PythoniaPeer(module as PythoniaModule, operator) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const missing = /Cannot find (package|module) 'pythonia'/.test(message);
      return {
        ok: false,
        reason: missing ? "pythonia is not installed (npm install --save-dev pythonia)" : `pythonia failed: ${message}`,
      };
    } finally {
      if (previous === undefined) delete process.env.PYTHON_BIN;
      else process.env.PYTHON_BIN = previous;
    }
  }

  /** One small call. */
  add(a: number, b: number): Promise<number> {
    return this.#operator.add(a, b);
  }

  /** Stops its Python process. */
  close(): void {
    this.#module.python.exit();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
