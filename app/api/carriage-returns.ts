// Carriage returns in a cell's stream output, applied as a terminal (and Jupyter) applies them: a progress bar that
// redraws its line with "\r" shows as that one line, not as every frame it drew (tqdm draws ten a second).

/**
 * `text` with each "\r" applied: what follows it overwrites its line from the start, and what it does not cover
 * stays. "\r\n" is a line end. A "\r" at the very end is kept: the next text appended overwrites that line.
 */
export function applyCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  const lines = text.split("\n");
  const last = lines.length - 1;
  return lines
    .map((line, i) => {
      const ended = i < last;
      if (ended && line.endsWith("\r")) line = line.replace(/\r+$/, ""); // "\r\n": a plain line end
      if (!line.includes("\r")) return line;
      let shown = "";
      for (const part of line.split("\r")) shown = part + shown.slice(part.length);
      return !ended && line.endsWith("\r") ? `${shown}\r` : shown;
    })
    .join("\n");
}

/** `previous + chunk` with the chunk's carriage returns applied, reworking only the line `previous` ends in. */
export function appendWithCarriageReturns(previous: string, chunk: string): string {
  if (!chunk.includes("\r") && !previous.endsWith("\r")) return previous + chunk;
  const lineStart = previous.lastIndexOf("\n") + 1;
  return previous.slice(0, lineStart) + applyCarriageReturns(previous.slice(lineStart) + chunk);
}
