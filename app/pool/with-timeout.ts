/** Settles with promise's outcome, or rejects with a timeout error after ms; a late rejection is still observed. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onLateError: (error: unknown) => void,
): Promise<T> {
  let timedOut = false;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (timedOut) onLateError(error);
        else reject(error);
      },
    );
  });
}
