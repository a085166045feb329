/**
 * Node flags of every process that runs connector tasks: the distributed task-runner (local child processes and
 * the container's CMD in task-runner/Dockerfile) and `connect-standalone` (its shebang, scripts/build.mjs).
 *
 * A sink keeps each fetched record alive from fetch to put(), and a source from poll() to the broker's ack:
 * with V8's default 16 MiB semi-space more records survive a scavenge and are copied into the old generation.
 * 32 MiB lets them die young. Re-measured with the old-generation ceiling below (docs/performance.md, "Peak RSS
 * of a busy task"): 16 saves 32 MiB of RSS but cost 20–45 % of the kafkajs records/s on a quiet machine.
 */
export const TASK_PROCESS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

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
