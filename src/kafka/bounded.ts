// A bound on one await on the outside world whose client has none of its own (a kafkajs metadata
// read with a dead broker in the seed list can hang for ~40 s): it rejects after `ms`.
// `what` starts the error's message: "<what> within <ms> ms".
export function bounded<T>(p: Promise<T>, ms: number, what = 'no metadata'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
