/**
 * The connector task's loop (task id -1, docs/java-plugins.md "Java connectors in AWS: the connector task"): keeps
 * the connector instance running in the JVM host, as an Apache worker keeps it, and reports what it hears through
 * the stores, never through the JVM:
 *
 * - the connector's status: RUNNING once started, FAILED with the Java trace when its start or its task configs
 *   fail or when it fails later (`raiseError`); the task then ends (exit 1) and is not relaunched until the
 *   connector is restarted or its config changes, as a failed connector on Apache;
 * - each `requestTaskReconfiguration()`: the running instance's new task configs (`${…}` placeholders put back)
 *   as the connector's task-config request, when they differ from the stored ones. The reconciler stores them as a
 *   new generation while the request still applies (lib/scheduler/connector-task.ts).
 *
 * It reads the connector's state every `checkIntervalMs`: a config change restarts the connector with the new
 * config (the host replaces an instance whose config differs); deleted, paused or stopped ends the task (the
 * reconciler stops it too). SIGTERM stops the connector and ends the task.
 */
import type { ConfigStore, ConnectorConfig, ConnectorState, StatusStore } from '../storage/ports';
import { configFingerprint } from '../scheduler/connector-task';
import { reverseTransform, sameTaskConfigs } from '../scheduler/task-configs';
import { traceOf } from './trace';

/** What the connector task needs of the JVM host's catalog role (JvmCatalog satisfies it). */
export interface ConnectorInstanceHost {
  /** Starts the connector (or answers from the running instance when the config is the one it runs with). */
  taskConfigs(
    connector: string,
    config: Readonly<Record<string, string>>,
  ): Promise<{ readonly taskConfigs: Record<string, string>[]; readonly version: string | null }>;
  releaseConnector(connector: string): Promise<void>;
  onReconfigurationRequested(listener: (connector: string) => void): void;
  onConnectorFailed(listener: (connector: string, trace: string) => void): void;
  close(): Promise<void>;
}

export interface ConnectorTaskOptions {
  readonly connector: string;
  readonly workerId: string;
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  /** starts the host (the JVM: plug-in scan, Kafka cluster id) */
  readonly host: () => Promise<ConnectorInstanceHost>;
  /** resolves `${provider:…}` placeholders as the tasks do (Secrets Manager, SSM …) */
  readonly resolveConfig?: (config: ConnectorConfig) => Promise<ConnectorConfig>;
  /** how often the connector's state is read (config change, pause, stop, delete) */
  readonly checkIntervalMs: number;
  readonly signal: AbortSignal;
  readonly now?: () => number;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
}

/** unwanted: deleted, paused or stopped; stopped: SIGTERM; failed: the connector FAILED (status written). */
export type ConnectorTaskOutcome = 'unwanted' | 'stopped' | 'failed';

export const connectorTaskExitCode = (outcome: ConnectorTaskOutcome): number => (outcome === 'failed' ? 1 : 0);

export async function runConnectorTask(options: ConnectorTaskOptions): Promise<ConnectorTaskOutcome> {
  const { connector, configStore, statusStore, signal } = options;
  const now = options.now ?? Date.now;
  const putStatus = (state: 'RUNNING' | 'FAILED', trace: string | null, generation: number, version: string | null) =>
    statusStore.putConnector(connector, {
      state,
      trace,
      workerId: options.workerId,
      generation,
      updatedAt: now(),
      version,
    });

  let reconfigure = false;
  let failure: string | undefined;
  let wake: () => void = () => undefined;
  signal.addEventListener('abort', () => wake(), { once: true });

  let host: ConnectorInstanceHost;
  try {
    host = await options.host();
  } catch (error) {
    const state = await configStore.get(connector);
    if (!state || state.targetState !== 'STARTED') return 'unwanted';
    await putStatus('FAILED', traceOf(error), state.generation, null);
    return 'failed';
  }
  host.onReconfigurationRequested((name) => {
    if (name !== connector) return;
    options.log?.('the connector requested a task reconfiguration');
    reconfigure = true;
    wake();
  });
  host.onConnectorFailed((name, trace) => {
    if (name !== connector) return;
    failure = trace;
    wake();
  });

  /** the config the instance runs with, and the task configs it last gave */
  let running: { fingerprint: string; taskConfigs: Record<string, string>[]; version: string | null } | undefined;
  /** the stored generation a request was last written for: written once per generation unless asked again */
  let requestedFor: number | undefined;

  const request = async (state: ConnectorState, fingerprint: string): Promise<void> => {
    if (!running || sameTaskConfigs(running.taskConfigs, state.taskConfigs)) return;
    await statusStore.putTaskConfigsRequest(connector, {
      generation: state.generation,
      configFingerprint: fingerprint,
      taskConfigs: running.taskConfigs,
      version: running.version,
      workerId: options.workerId,
      requestedAt: now(),
    });
    requestedFor = state.generation;
    options.log?.('requested new task configs', { generation: state.generation, tasks: running.taskConfigs.length });
  };

  try {
    while (!signal.aborted) {
      const state = await configStore.get(connector);
      if (!state || state.targetState !== 'STARTED') return 'unwanted';
      if (failure !== undefined) {
        await putStatus('FAILED', failure, state.generation, running?.version ?? null);
        return 'failed';
      }
      const fingerprint = configFingerprint(state.config);
      const restart = running?.fingerprint !== fingerprint;
      if (restart || reconfigure) {
        reconfigure = false;
        try {
          const resolved = options.resolveConfig ? await options.resolveConfig(state.config) : state.config;
          const generated = await host.taskConfigs(connector, resolved);
          running = {
            fingerprint,
            taskConfigs: generated.taskConfigs.map((config) => reverseTransform({ ...config }, state.config, resolved)),
            version: generated.version,
          };
        } catch (error) {
          await putStatus('FAILED', traceOf(error), state.generation, running?.version ?? null);
          return 'failed';
        }
        if (restart) await putStatus('RUNNING', null, state.generation, running.version);
        await request(state, fingerprint);
      } else if (requestedFor !== state.generation) {
        // The stored generation moved on without taking this instance's task configs (another change won the
        // race): ask again for the new one.
        await request(state, fingerprint);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.checkIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (signal.aborted || reconfigure || failure !== undefined) wake();
      });
    }
    return 'stopped';
  } finally {
    await host.releaseConnector(connector).catch(() => undefined);
    await host.close().catch(() => undefined);
  }
}
