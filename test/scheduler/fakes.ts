/** In-memory fakes of the TaskLauncher port and of connector plugins, for reconciler unit tests. */
import type { ConfigDef } from '../../lib/connect/config-def';
import type { Connector, ConnectorConfigMap, TaskClass } from '../../lib/connect/connector';
import { SinkConnector, SourceConnector } from '../../lib/connect/connector';
import type { ConnectorPlugins } from '../../lib/scheduler/task-configs';
import type { LaunchSpec, TaskInstance, TaskLauncher } from '../../lib/storage/ports';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Instances live in a map; tests drive exits. `gracefulStops` makes stop() leave instances STOPPING. */
export class FakeTaskLauncher implements TaskLauncher {
  readonly instances = new Map<string, Mutable<TaskInstance>>();
  gracefulStops = false;
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async list(): Promise<TaskInstance[]> {
    return [...this.instances.values()].map((i) => ({ ...i }));
  }

  async launch(spec: LaunchSpec): Promise<TaskInstance> {
    const instance: Mutable<TaskInstance> = {
      instanceId: `i-${++this.seq}`,
      ...spec,
      state: 'RUNNING',
      startedAt: this.now(),
    };
    this.instances.set(instance.instanceId, instance);
    return { ...instance };
  }

  async stop(instanceId: string, reason: string): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.state === 'STOPPED' || instance.state === 'STOPPING') return;
    instance.stoppedReason = reason;
    if (this.gracefulStops) instance.state = 'STOPPING';
    else this.finish(instance, 0);
  }

  /** The process died on its own (crash, SIGKILL, OOM). */
  exit(instanceId: string, exitCode: number | null, reason: string): void {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId}`);
    instance.stoppedReason = reason;
    this.finish(instance, exitCode);
  }

  /** Every STOPPING instance completes its graceful shutdown. */
  finishStopping(): void {
    for (const instance of this.instances.values()) if (instance.state === 'STOPPING') this.finish(instance, 0);
  }

  live(connector?: string): TaskInstance[] {
    return [...this.instances.values()].filter(
      (i) => (i.state === 'RUNNING' || i.state === 'PENDING') && (connector === undefined || i.connector === connector),
    );
  }

  private finish(instance: Mutable<TaskInstance>, exitCode: number | null): void {
    instance.state = 'STOPPED';
    instance.exitCode = exitCode;
    instance.stoppedAt = this.now();
  }
}

const noConfig = {} as unknown as ConfigDef;

class NoopTask {
  static readonly className = 'test.NoopTask';
  version(): string {
    return '1.0';
  }
  start(): void {}
  stop(): void {}
}

/** One task config per "partition" (config `partitions`, default tasks.max), capped at maxTasks unless `overshoot`. */
export class PartitionedSourceConnector extends SourceConnector {
  private props: ConnectorConfigMap = {};
  static starts = 0;
  version(): string {
    return '2.1';
  }
  start(props: ConnectorConfigMap): void {
    PartitionedSourceConnector.starts++;
    if (props['fail.on.start'] === 'true') throw new Error('boom in start');
    this.props = props;
  }
  taskClass(): TaskClass {
    return NoopTask as unknown as TaskClass;
  }
  taskConfigs(maxTasks: number): Record<string, string>[] {
    const partitions = Number(this.props['partitions'] ?? maxTasks);
    const count = this.props['overshoot'] === 'true' ? partitions : Math.min(maxTasks, partitions);
    return Array.from({ length: count }, (_, i) => ({ partition: String(i), secret: this.props['secret'] ?? '' }));
  }
  stop(): void {}
  config(): ConfigDef {
    return noConfig;
  }
}

export class SimpleSinkConnector extends SinkConnector {
  version(): string {
    return '3.0';
  }
  start(): void {}
  taskClass(): TaskClass {
    return NoopTask as unknown as TaskClass;
  }
  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({}));
  }
  stop(): void {}
  config(): ConfigDef {
    return noConfig;
  }
}

export const testPlugins: ConnectorPlugins = {
  newConnector(connectorClass: string): Connector {
    if (connectorClass === 'PartitionedSource') return new PartitionedSourceConnector();
    if (connectorClass === 'SimpleSink') return new SimpleSinkConnector();
    throw new Error(`Failed to find any class that implements Connector and which name matches ${connectorClass}`);
  },
};

/** A controllable clock. */
export class FakeClock {
  constructor(public t = 1_700_000_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}
