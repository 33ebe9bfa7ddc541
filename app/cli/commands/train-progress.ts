// The progress display of `snakebridge train` on stderr: one line redrawn in place on a terminal,
// one line per log event otherwise (CI logs, pipes).
import type { Writable } from "node:stream";

export interface ProgressState {
  step: number;
  maxSteps: number;
  loss: number;
  tokensPerS: number;
  etaS: number | null;
}

const BAR_WIDTH = 24;

/** "step 12/30 [#########.......] 40%  loss 4.1234  1,234 tok/s  ETA 0:05". */
export function formatProgressLine(state: ProgressState, bar = true): string {
  const fraction = state.maxSteps > 0 ? Math.min(1, Math.max(0, state.step / state.maxSteps)) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const parts = [
    `step ${state.step}/${state.maxSteps}`,
    ...(bar ? [`[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`] : []),
    `${Math.floor(fraction * 100)}%`,
    ` loss ${formatLoss(state.loss)}`,
    ` ${Math.round(state.tokensPerS).toLocaleString("en-US")} tok/s`,
    ` ETA ${state.etaS === null ? "--:--" : formatDuration(state.etaS)}`,
  ];
  return parts.join(" ");
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

/** Writes progress lines and notes to a stream; owns only the cursor line it draws. */
export class TrainProgress {
  #drawn = false;
  readonly #out: Writable;
  readonly #interactive: boolean;

  constructor(out: Writable, interactive: boolean) {
    this.#out = out;
    this.#interactive = interactive;
  }

  /** Shows the run's progress after a log event. */
  update(state: ProgressState): void {
    if (this.#interactive) {
      // \r + erase-line: redraw in place without scrolling the terminal.
      this.#out.write(`\r${formatProgressLine(state)}\x1b[K`);
      this.#drawn = true;
    } else {
      this.#out.write(`${formatProgressLine(state, false)}\n`);
    }
  }

  /** Prints a line of text above the progress line. */
  note(text: string): void {
    this.#endLine();
    this.#out.write(`${text}\n`);
  }

  /** Leaves the progress line in place and moves below it. */
  finish(): void {
    this.#endLine();
  }

  #endLine(): void {
    if (!this.#drawn) return;
    this.#out.write("\n");
    this.#drawn = false;
  }
}
