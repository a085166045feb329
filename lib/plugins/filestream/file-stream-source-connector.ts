import { AbstractConfig } from '../../connect/config-def';
import type { ConfigDef } from '../../connect/config-def';
import { SourceConnector } from '../../connect/connector';
import type { ConnectorConfigMap, ExactlyOnceSupport, TaskClass } from '../../connect/connector';
import { ConnectException } from '../../connect/errors';
import type { SourceMap } from '../../connect/records';
import { KAFKA_VERSION } from '../kafka-version';
import { FILE_CONFIG, FILENAME_FIELD, POSITION_FIELD, sourceConfigDef } from './config';
import { FileStreamSourceTask } from './file-stream-source-task';

/** `org.apache.kafka.connect.file.FileStreamSourceConnector`: one task reading a file (or stdin) line by line. */
export class FileStreamSourceConnector extends SourceConnector {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
  private props: ConnectorConfigMap = {};

  version(): string {
    return KAFKA_VERSION;
  }

  start(props: ConnectorConfigMap): void {
    new AbstractConfig(sourceConfigDef(), props);
    this.props = props;
  }

  taskClass(): TaskClass {
    return FileStreamSourceTask;
  }

  /** Only one input stream makes sense: always one task, whatever tasks.max says. */
  taskConfigs(_maxTasks: number): Record<string, string>[] {
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef {
    return sourceConfigDef();
  }

  override exactlyOnceSupport(props: ConnectorConfigMap): ExactlyOnceSupport {
    const file = new AbstractConfig(sourceConfigDef(), props).getString(FILE_CONFIG);
    return file !== null && file !== '' ? 'SUPPORTED' : 'UNSUPPORTED';
  }

  override alterOffsets(config: ConnectorConfigMap, offsets: ReadonlyMap<SourceMap, SourceMap | null>): boolean {
    const file = new AbstractConfig(sourceConfigDef(), config).getString(FILE_CONFIG);
    if (file === null || file === '') {
      throw new ConnectException(
        `Offsets cannot be modified if the '${FILE_CONFIG}' configuration is unspecified. ` +
          'This is because stdin is used for input and offsets are not tracked.',
      );
    }
    for (const [partition, offset] of offsets) {
      // Tombstones are always allowed, so garbage offsets can be cleaned up through the REST API.
      if (offset === null) continue;
      if (!(POSITION_FIELD in offset)) {
        throw new ConnectException(`Offset objects should either be null or contain the key '${POSITION_FIELD}'`);
      }
      const position = offset[POSITION_FIELD];
      if (typeof position !== 'number' || !Number.isInteger(position)) {
        throw new ConnectException(
          `The value for the '${POSITION_FIELD}' key in the offset is expected to be a Long value`,
        );
      }
      if (position < 0) {
        throw new ConnectException(
          `The value for the '${POSITION_FIELD}' key in the offset should be a non-negative value`,
        );
      }
      if ((partition as SourceMap | null) === null) throw new ConnectException('Partition objects cannot be null');
      if (!(FILENAME_FIELD in partition)) {
        throw new ConnectException(`Partition objects should contain the key '${FILENAME_FIELD}'`);
      }
    }
    // The task checks on start whether the position fits the configured file.
    return true;
  }
}
