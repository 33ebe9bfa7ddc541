// How any thrown value becomes a message a person can read: one function, used by every layer's reporting.

/** A one-line description of any thrown value: an Error's message (with its cause), a string, or its JSON. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message || error.name;
    const cause = error.cause;
    return cause === undefined || cause === error ? message : `${message} (caused by: ${describeError(cause)})`;
  }
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
