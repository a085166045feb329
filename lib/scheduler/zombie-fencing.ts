/**
 * Zombie fencing of exactly-once source tasks (KIP-618), the step Apache's leader runs with `Admin.fenceProducers`
 * before a new generation of a connector's tasks starts: every task's transactional id gets a new epoch, so a
 * task process of an older generation that is still running (a zombie: an ECS task StopTask did not reach, a
 * partitioned host) can never commit again, even before the new task has started and called `initTransactions()`
 * itself. The local reconciler and the AWS reconciler Lambda both run it, through the ProducerFencingPort.
 */
import { ConnectException } from '../connect/errors';
import { connectorClientProps } from '../config/client-config';
import { EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, parseWorkerConfig } from '../config/worker-config';
import type { WorkerConfig } from '../config/worker-config';
import { taskTransactionalId } from '../runtime/exactly-once-source';
import type { ClientProps, ProducerFencingPort } from '../storage/kafka-ports';
import type { ConnectorConfig } from '../storage/ports';
import type { ConnectorPlugins } from './task-configs';
import { CONNECTOR_CLASS_CONFIG } from './task-configs';

/** Java's producer `max.block.ms` default, the bound of the fencing (as of the task's own initTransactions). */
const MAX_BLOCK_MS_DEFAULT = 60_000;

export interface ZombieFencingOptions {
  /** distributed-worker properties, connection and security keys included */
  readonly workerConfig: Readonly<Record<string, string>>;
  readonly plugins: ConnectorPlugins;
  /** the Kafka adapter's fencer factory (KafkaClientFactory.newProducerFencer) */
  readonly newProducerFencer: (props: ClientProps) => ProducerFencingPort;
}

export class ZombieFencing {
  private readonly worker: WorkerConfig | undefined;

  constructor(private readonly options: ZombieFencingOptions) {
    const support = (options.workerConfig[EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG] ?? '').trim().toLowerCase();
    this.worker = support === 'enabled' ? parseWorkerConfig(options.workerConfig, 'distributed') : undefined;
  }

  /** Whether tasks of this connector run transactionally: the worker has EOS enabled and it is a source. */
  applies(config: ConnectorConfig): boolean {
    if (!this.worker?.groupId) return false;
    const connectorClass = config[CONNECTOR_CLASS_CONFIG];
    if (!connectorClass) return false;
    try {
      return this.options.plugins.newConnector(connectorClass).type === 'source';
    } catch {
      // Not a connector of ours (a Java plug-in runs in the JVM task host, at-least-once): nothing to fence.
      return false;
    }
  }

  /**
   * Fences the transactional ids of `taskIds` of `connector`. Rejects (with the cause) when an id could not be
   * fenced: the caller must not launch the new generation then.
   */
  async fence(connector: string, config: ConnectorConfig, taskIds: readonly number[]): Promise<void> {
    const worker = this.worker;
    if (!worker?.groupId || taskIds.length === 0) return;
    const groupId = worker.groupId;
    const ids = [...new Set(taskIds)].sort((a, b) => a - b);
    const producer = connectorClientProps(worker, 'producer', connector, 0, config);
    const maxBlock = Number(producer['max.block.ms']);
    const timeoutMs = Number.isFinite(maxBlock) && maxBlock > 0 ? maxBlock : MAX_BLOCK_MS_DEFAULT;
    // Apache's Worker.fenceZombies uses an admin client with the connector's admin overrides.
    const fencer = this.options.newProducerFencer({
      ...connectorClientProps(worker, 'admin', connector, 0, config),
      'client.id': `connector-worker-adminclient-${connector}`,
    });
    try {
      await fencer.fenceProducers(
        ids.map((id) => taskTransactionalId(groupId, connector, id)),
        timeoutMs,
      );
    } catch (error) {
      throw new ConnectException(
        `Failed to fence out zombie tasks of connector ${connector} (tasks ${ids.join(', ')}) before starting ` +
          `new ones: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    } finally {
      await fencer.close().catch(() => undefined);
    }
  }
}
