import { AbstractConfig } from '../../connect/config-def';
import type { ConfigDef } from '../../connect/config-def';
import { SinkConnector } from '../../connect/connector';
import type { ConnectorConfigMap, TaskClass } from '../../connect/connector';
import type { TopicPartition } from '../../connect/records';
import { KAFKA_VERSION } from '../kafka-version';
import { sinkConfigDef } from './config';
import { FileStreamSinkTask } from './file-stream-sink-task';

/** `org.apache.kafka.connect.file.FileStreamSinkConnector`: tasks.max identical tasks appending to a file (or stdout). */
export class FileStreamSinkConnector extends SinkConnector {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
  private props: ConnectorConfigMap = {};

  version(): string {
    return KAFKA_VERSION;
  }

  start(props: ConnectorConfigMap): void {
    new AbstractConfig(sinkConfigDef(), props);
    this.props = props;
  }

  taskClass(): TaskClass {
    return FileStreamSinkTask;
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  config(): ConfigDef {
    return sinkConfigDef();
  }

  /** Sink offsets are plain consumer-group offsets; any change is fine for this connector. */
  override alterOffsets(_config: ConnectorConfigMap, _offsets: ReadonlyMap<TopicPartition, number | null>): boolean {
    return true;
  }
}
