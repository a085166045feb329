/** The plugins Apache ships on its classpath (here: in the bundle): FileStream connectors and the converters. */
import { BUILTIN_CONVERTERS } from '../converters';
import { FileStreamSinkConnector } from './filestream/file-stream-sink-connector';
import { FileStreamSourceConnector } from './filestream/file-stream-source-connector';
import { KAFKA_VERSION } from './kafka-version';
import type { PluginRegistration } from './plugin-desc';

export const builtinPlugins = (): PluginRegistration[] => [
  {
    className: FileStreamSourceConnector.className,
    type: 'source',
    version: KAFKA_VERSION,
    create: () => new FileStreamSourceConnector(),
  },
  {
    className: FileStreamSinkConnector.className,
    type: 'sink',
    version: KAFKA_VERSION,
    create: () => new FileStreamSinkConnector(),
  },
  // Apache reports Kafka's version for its converters too (they implement Versioned since 4.1).
  ...BUILTIN_CONVERTERS.flatMap((c): PluginRegistration[] =>
    (c.type === 'both' ? (['converter', 'header_converter'] as const) : [c.type]).map((type) => ({
      className: c.className,
      type,
      version: KAFKA_VERSION,
      create: () => c.create(),
    })),
  ),
];
