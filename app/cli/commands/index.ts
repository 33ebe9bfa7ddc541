// Every `snakebridge` subcommand, in the order `snakebridge --help` lists them.
import type { CliCommand } from "../command.js";
import { benchCommand } from "./bench.js";
import { callCommand } from "./call.js";
import { serveCommand } from "./serve.js";
import { doctorCommand } from "./doctor.js";

export const commands: readonly CliCommand[] = [
  callCommand,
  serveCommand,
  benchCommand,
  doctorCommand,
];
