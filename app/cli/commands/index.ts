// Every `snakebridge` subcommand, in the order `snakebridge --help` lists them.
import type { CliCommand } from "../command.js";
import { auditCommand } from "./audit.js";
import { benchCommand } from "./bench.js";
import { callCommand } from "./call.js";
import { cleanCommand } from "./clean.js";
import { describeCommand } from "./describe.js";
import { diffCommand } from "./diff.js";
import { envCommand } from "./env.js";
import { generateCommand } from "./generate.js";
import { manifestCommand } from "./manifest.js";
import { serveCommand } from "./serve.js";
import { doctorCommand } from "./doctor.js";
import { trainCommand } from "./train.js";
import { runsCommand } from "./runs.js";

export const commands: readonly CliCommand[] = [
  callCommand,
  describeCommand,
  generateCommand,
  diffCommand,
  cleanCommand,
  serveCommand,
  trainCommand,
  runsCommand,
  manifestCommand,
  auditCommand,
  envCommand,
  benchCommand,
  doctorCommand,
];
