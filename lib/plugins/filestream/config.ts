/** Keys and ConfigDefs of Apache's FileStream connectors (`connect/file`), with Apache's defaults and docs. */
import { ConfigDef, NonEmptyString } from '../../connect/config-def';

export const FILE_CONFIG = 'file';
export const TOPIC_CONFIG = 'topic';
export const TASK_BATCH_SIZE_CONFIG = 'batch.size';
export const DEFAULT_TASK_BATCH_SIZE = 2000;

/** Source partition / offset field names (`FileStreamSourceTask.FILENAME_FIELD` / `POSITION_FIELD`). */
export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';

export const sourceConfigDef = (): ConfigDef =>
  new ConfigDef()
    .define({
      name: FILE_CONFIG,
      type: 'STRING',
      defaultValue: null,
      importance: 'HIGH',
      documentation: 'Source filename. If not specified, the standard input will be used',
    })
    .define({
      name: TOPIC_CONFIG,
      type: 'STRING',
      validator: NonEmptyString,
      importance: 'HIGH',
      documentation: 'The topic to publish data to',
    })
    .define({
      name: TASK_BATCH_SIZE_CONFIG,
      type: 'INT',
      defaultValue: DEFAULT_TASK_BATCH_SIZE,
      importance: 'LOW',
      documentation: 'The maximum number of records the source task can read from the file each time it is polled',
    });

export const sinkConfigDef = (): ConfigDef =>
  new ConfigDef().define({
    name: FILE_CONFIG,
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Destination filename. If not specified, the standard output will be used',
  });
