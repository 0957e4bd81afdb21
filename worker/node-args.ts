/**
 * Node's flags for a worker process that `npm start` (or a bench) spawns. The heap limit bounds the process and, by
 * Node's rule for worker threads, the workflow thread the SDK runs the cases in: V8 otherwise sizes the heap from the
 * machine's memory and lets garbage from evicted and replayed cases pile up to several times the live set.
 */
export function workerNodeArgs(heapMb: number): string[] {
  return [`--max-old-space-size=${heapMb}`];
}
