/**
 * Node flags of every process that runs connector tasks: the distributed task-runner (local child processes and
 * the container's CMD in task-runner/Dockerfile) and `connect-standalone` (its shebang, scripts/build.mjs).
 *
 * A sink keeps each fetched record alive from fetch to put(), and a source from poll() to the broker's ack:
 * with V8's default 16 MiB semi-space most records survive a scavenge and are copied into the old generation.
 * 32 MiB lets them die young. Measured (`npm run bench -- filestream`, 1M × 100 B): sink 0.77× → 0.89× of a raw
 * kafkajs consumer, peak RSS 213 → 172 MiB, well inside a 512 MiB Fargate task.
 */
export const TASK_PROCESS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
