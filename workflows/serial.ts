/**
 * Runs async steps one after another. Update handlers that wait for a deadline computation would otherwise
 * interleave, and a slower, older computation could overwrite a newer one.
 */
export function serializer(): <T>(step: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = tail.then(step);
    tail = run.catch(() => undefined);
    return run;
  };
}
