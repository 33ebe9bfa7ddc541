// Where runs are stored by default: one store shared by the workbench and `snakebridge train/runs`,
// so a run started from a terminal shows up in the Training view and the other way round.
import { homedir } from "node:os";
import { join } from "node:path";

/** $SNAKEBRIDGE_RUNS_DB, else ~/.snakebridge/runs.db. */
export function defaultRunStorePath(): string {
  return process.env.SNAKEBRIDGE_RUNS_DB || join(homedir(), ".snakebridge", "runs.db");
}
