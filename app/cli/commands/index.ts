// Every `snakebridge` subcommand, in the order `snakebridge --help` lists them.
import type { CliCommand } from "../command.js";
import { callCommand } from "./call.js";

export const commands: readonly CliCommand[] = [
  callCommand,
];
