/**
 * The recently stopped instances a local launcher lists, as ECS lists stopped tasks for about an hour: the
 * reconciler's restart policy counts the recent ends of each task to choose its backoff.
 */
import type { TaskInstance } from '../../storage/ports';

const HORIZON_MS = 3_600_000;

export class StoppedInstances {
  private readonly instances: TaskInstance[] = [];

  /** @param perTask how many stopped instances of one task to keep (default 10) */
  constructor(private readonly perTask = 10) {}

  add(instance: TaskInstance): void {
    const horizon = Date.now() - HORIZON_MS;
    for (let i = this.instances.length - 1; i >= 0; i--) {
      if ((this.instances[i]?.stoppedAt ?? 0) < horizon) this.instances.splice(i, 1);
    }
    this.instances.push(instance);
    const same = this.instances.filter((i) => i.connector === instance.connector && i.taskId === instance.taskId);
    for (const old of same.slice(0, Math.max(0, same.length - this.perTask))) {
      this.instances.splice(this.instances.indexOf(old), 1);
    }
  }

  /** Copies, oldest first. */
  list(): TaskInstance[] {
    return this.instances.map((i) => ({ ...i }));
  }
}
