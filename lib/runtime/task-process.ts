/**
 * Node flags of every process that runs connector tasks: the distributed task-runner (local child processes and
 * the container's CMD in task-runner/Dockerfile) and `connect-standalone` (its shebang, scripts/build.mjs).
 *
 * Young generation. A sink keeps each fetched record alive from fetch to put(), and a source from poll() to the
 * broker's ack. With V8's 16 MiB default semi-space, an older version of those loops had most records survive a
 * scavenge and was slower than with 32 MiB. Today's loops make a record only when it is handed on (no buffered
 * ConsumerRecords, backpressure to one request in flight and one ready): the measured scavenge time and CPU
 * per run are the same at 16 as at 32 (docs/performance.md, "Peak RSS"), while a semi-space pair of 2 × 32 MiB
 * stays committed for the whole run. 16 saves those 32 MiB of a busy task's peak RSS.
 */
export const TASK_PROCESS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];

/**
 * Plus, for task processes with no memory limit of their own (`npm start`'s task processes, `connect-standalone`,
 * benchmarks): Node sizes V8's heap from the memory the process may use. On a machine with gigabytes of RAM that
 * is a 4 GiB old generation, for which V8 lets the old generation grow to 4× what survived the last full GC
 * before collecting it again: a busy task with ~20 MiB of live objects peaked with 50–110 MiB of old space, most of
 * it garbage. A ceiling of 512 MiB (what a task of the default 512 MiB Fargate size cannot exceed anyway) makes V8
 * collect at ~1.4× instead, and a runaway task fails with Node's heap-out-of-memory error instead of taking the
 * machine's memory. Not in the image's CMD: there Node sizes the heap from the task's memory (`taskMemoryMiB`),
 * which a fixed ceiling would cut for larger tasks.
 */
export const LOCAL_TASK_PROCESS_NODE_FLAGS: readonly string[] = [
  ...TASK_PROCESS_NODE_FLAGS,
  '--max-old-space-size=512',
];
