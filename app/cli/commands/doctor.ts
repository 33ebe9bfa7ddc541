// `snakebridge doctor [--json] [--python PATH]`: what the workbench needs, what it found, how to fix the rest.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  interpreterCandidates,
  probeInterpreter,
  workerPackageRoot,
  type InterpreterInfo,
} from "../../bridge/index.js";
import { chooseLimitMechanism, currentCgroupEnvironment } from "../../pool/index.js";
import { parseArgs, stringFlag } from "../args.js";
import type { CliCommand } from "../command.js";

const run = promisify(execFile);

interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

const PACKAGE_PROBE = `
import importlib, json
out = {}
for name in ("grpc", "google.protobuf", "numpy", "psutil", "yaml", "torch", "transformers", "peft", "unsloth", "pynvml"):
    try:
        module = importlib.import_module(name)
        out[name] = getattr(module, "__version__", "installed")
    except Exception as exc:
        out[name] = None
gpus = []
try:
    import pynvml
    pynvml.nvmlInit()
    for i in range(pynvml.nvmlDeviceGetCount()):
        h = pynvml.nvmlDeviceGetHandleByIndex(i)
        name = pynvml.nvmlDeviceGetName(h)
        mem = pynvml.nvmlDeviceGetMemoryInfo(h)
        gpus.append({"name": name.decode() if isinstance(name, bytes) else name, "memory_total": int(mem.total)})
    pynvml.nvmlShutdown()
except Exception as exc:
    gpus_error = f"{type(exc).__name__}: {exc}"
else:
    gpus_error = None
print(json.dumps({"packages": out, "gpus": gpus, "gpus_error": gpus_error}))
`;

interface PackageReport {
  packages: Record<string, string | null>;
  gpus: { name: string; memory_total: number }[];
  gpus_error: string | null;
}

async function interpreterChecks(explicit: string | undefined): Promise<{ checks: Check[]; chosen?: InterpreterInfo }> {
  const checks: Check[] = [];
  let chosen: InterpreterInfo | undefined;
  for (const candidate of interpreterCandidates(explicit)) {
    try {
      const info = await probeInterpreter(candidate.executable, candidate.source);
      const usable = !info.missing.some((m) => m.module === "grpc" || m.module === "google.protobuf");
      if (usable && !chosen) chosen = info;
      checks.push({
        name: `interpreter (${candidate.source})`,
        status: usable ? (chosen === info ? "ok" : "warn") : "warn",
        detail:
          `${info.executable} — Python ${info.version}${chosen === info ? " [used by workers]" : ""}` +
          (info.missing.length ? `; missing: ${info.missing.map((m) => m.module).join(", ")}` : ""),
        ...(usable ? {} : { fix: `${candidate.executable} -m pip install -r ${workerPackageRoot}/requirements.txt` }),
      });
    } catch (error) {
      checks.push({
        name: `interpreter (${candidate.source})`,
        status: "warn",
        detail: `${candidate.executable}: ${(error as Error).message.split("\n")[0]}`,
      });
    }
  }
  if (!chosen) {
    checks.push({
      name: "worker interpreter",
      status: "fail",
      detail: "no candidate can run the worker",
      fix: "run `npm install` (creates python/.venv), or set SNAKEBRIDGE_PYTHON to a Python 3.10+ with python/requirements.txt installed",
    });
  }
  return { checks, ...(chosen ? { chosen } : {}) };
}

async function packageChecks(python: string): Promise<Check[]> {
  const { stdout } = await run(python, ["-c", PACKAGE_PROBE], { timeout: 120_000 });
  const report = JSON.parse(stdout.trim()) as PackageReport;
  const p = report.packages;
  const version = (name: string): string => p[name] ?? "not installed";
  const checks: Check[] = [
    {
      name: "worker dependencies",
      status: p.grpc && p["google.protobuf"] ? "ok" : "fail",
      detail: `grpcio ${version("grpc")}, protobuf ${version("google.protobuf")}, psutil ${version("psutil")}, pyyaml ${version("yaml")}`,
      ...(p.grpc ? {} : { fix: `${python} -m pip install -r ${workerPackageRoot}/requirements.txt` }),
    },
    {
      name: "numpy",
      status: p.numpy ? "ok" : "warn",
      detail: version("numpy"),
      ...(p.numpy ? {} : { fix: `${python} -m pip install numpy` }),
    },
  ];
  const training = Boolean(p.torch && p.transformers && p.peft);
  checks.push({
    name: "training extra",
    status: training ? "ok" : "warn",
    detail: `torch ${version("torch")}, transformers ${version("transformers")}, peft ${version("peft")}, unsloth ${version("unsloth")}`,
    ...(training ? {} : { fix: "npm run setup:python -- --extra training" }),
  });
  checks.push(
    report.gpus.length > 0
      ? {
          name: "GPU",
          status: "ok",
          detail: report.gpus.map((g) => `${g.name} (${(g.memory_total / 2 ** 30).toFixed(1)} GiB)`).join(", "),
        }
      : {
          name: "GPU",
          status: "warn",
          detail: `none found (${report.gpus_error ?? "NVML reports 0 devices"}); training runs on CPU`,
        },
  );
  return checks;
}

function shellChecks(): Check[] {
  const require = createRequire(import.meta.url);
  let electron: string | undefined = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!electron) {
    try {
      const dir = require.resolve("electron/package.json").replace(/package\.json$/, "");
      if (existsSync(`${dir}dist`)) electron = `${dir}dist`;
    } catch {
      electron = undefined;
    }
  }
  // The same order as scripts/chromium.mjs: CHROMIUM_PATH, then the build @sparticuz/chromium ships (unpacked on first use).
  let chromium: string | undefined =
    process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  if (!chromium) {
    try {
      // ESM-only, and it exports no package.json: resolve its entry point.
      chromium = `${fileURLToPath(import.meta.resolve("@sparticuz/chromium"))} (npm-shipped; unpacked on first use)`;
    } catch {
      chromium = undefined;
    }
  }
  return [
    electron
      ? { name: "Electron", status: "ok", detail: electron }
      : {
          name: "Electron",
          status: "warn",
          detail: "no Electron binary: `npm start` opens the web workbench instead",
          fix: "node node_modules/electron/install.js (downloads it), or set ELECTRON_OVERRIDE_DIST_PATH",
        },
    chromium
      ? { name: "Chromium (end-to-end tests)", status: "ok", detail: chromium }
      : {
          name: "Chromium (end-to-end tests)",
          status: "warn",
          detail: "not found",
          fix: "npm install (brings @sparticuz/chromium), or set CHROMIUM_PATH",
        },
  ];
}

/** Which mechanism would enforce worker memory and CPU limits here (read-only: no cgroup is created). */
function limitChecks(): Check[] {
  const env = currentCgroupEnvironment();
  const memory = chooseLimitMechanism({ memoryBytes: 2 ** 30 }, env);
  let cpu: string;
  try {
    cpu = chooseLimitMechanism({ cpus: 1 }, env).detail;
  } catch (error) {
    cpu = `unavailable: ${error instanceof Error ? error.message.replace(/^Resource limits: /, "") : String(error)}`;
  }
  return [
    { name: "Worker memory limits", status: "ok", detail: memory.detail },
    memory.kind === "cgroup"
      ? { name: "Worker CPU limits", status: "ok", detail: cpu }
      : {
          name: "Worker CPU limits",
          status: "warn",
          detail: cpu,
          fix: "run the workbench in a delegated cgroup: systemd-run --user --scope -p Delegate=yes npx snakebridge serve",
        },
  ];
}

export const doctorCommand: CliCommand = {
  name: "doctor",
  summary: "Check the interpreter, worker dependencies, GPU and desktop shell; print fixes",
  usage: `Usage: snakebridge doctor [--json] [--python PATH]

Checks every interpreter candidate (setting → SNAKEBRIDGE_PYTHON → project venv → python3 on PATH), the worker's
dependencies, the training extra, GPUs (NVML), the Electron binary and Chromium. Each problem comes with its fix.
Exit code 1 when the workbench cannot run calls.`,
  async run(args, io) {
    const parsed = parseArgs(args, { json: "boolean", python: "string" });
    const { checks, chosen } = await interpreterChecks(stringFlag(parsed, "python"));
    if (chosen) checks.push(...(await packageChecks(chosen.executable)));
    checks.push(...limitChecks(), ...shellChecks());
    const failed = checks.some((c) => c.status === "fail");
    if (parsed.flags.has("json")) {
      io.stdout.write(JSON.stringify({ ok: !failed, checks }) + "\n");
    } else {
      const mark = { ok: "✓", warn: "!", fail: "✗" } as const;
      for (const c of checks) {
        io.stdout.write(`${mark[c.status]} ${c.name}: ${c.detail}\n`);
        if (c.fix) io.stdout.write(`    fix: ${c.fix}\n`);
      }
      io.stdout.write(failed ? "\nThe workbench cannot run Python calls until the ✗ items are fixed.\n" : "\nReady.\n");
    }
    return failed ? 1 : 0;
  },
};
