import type { ConfigDef } from '../../connect/config-def';
import { SinkConnector } from '../../connect/connector';
import type { ConnectorConfigMap, TaskClass } from '../../connect/connector';
import type { TopicPartition } from '../../connect/records';
import { KAFKA_VERSION } from '../kafka-version';
import { s3SinkConfigDef } from './config';
import { parseS3SinkSettings } from './settings';
import { S3SinkTask } from './s3-sink-task';

/**
 * The S3 sink connector, native in the task-runner: Confluent's S3 sink keys, object layout and exactly-once
 * (docs/s3-sink.md). Also registered under Confluent's class name, since every key of its config is honoured or
 * rejected by validation.
 */
export class S3SinkConnector extends SinkConnector {
  static readonly className = 'serverless.kafka.connect.s3.S3SinkConnector';
  static readonly aliases = ['io.confluent.connect.s3.S3SinkConnector'];
  private props: ConnectorConfigMap = {};

  version(): string {
    return KAFKA_VERSION;
  }

  start(props: ConnectorConfigMap): void {
    // Cross-key rules (partitioner needs, gzip with Avro/Parquet …) fail the connector with the key's name.
    parseS3SinkSettings(props);
    this.props = props;
  }

  taskClass(): TaskClass {
    return S3SinkTask;
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  config(): ConfigDef {
    return s3SinkConfigDef();
  }

  /** Offsets are consumer-group offsets; objects are named by offset, so any position is consistent. */
  override alterOffsets(_config: ConnectorConfigMap, _offsets: ReadonlyMap<TopicPartition, number | null>): boolean {
    return true;
  }
}
