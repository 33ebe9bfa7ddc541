// Counts the hostile inputs a security suite plays: each is refused, wrongly accepted, or crashes the host.

export type Verdict = "refused" | "accepted" | "crashed";

/** The suite's running score; `summary()` is the line the suite prints. */
export class HostileTally {
  inputs = 0;
  refused = 0;
  crashed = 0;
  /** One line per input that was not refused: what it was and what happened. */
  readonly problems: string[] = [];

  record(name: string, verdict: Verdict, detail = ""): void {
    this.inputs += 1;
    if (verdict === "refused") this.refused += 1;
    else {
      if (verdict === "crashed") this.crashed += 1;
      this.problems.push(`${verdict}: ${name}${detail ? ` (${detail})` : ""}`);
    }
  }

  summary(): string {
    return `security: ${this.inputs} hostile inputs, ${this.refused} refused, ${this.crashed} crashed`;
  }
}
