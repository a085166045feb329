/**
 * The plugins Apache ships on its classpath (here: in the bundle): FileStream connectors, the converters, and
 * connect-transforms' transformations and predicates.
 */
import { BUILTIN_CONVERTERS } from '../converters';
import { BUILTIN_PREDICATES, BUILTIN_TRANSFORMATIONS } from '../transforms';
import { FileStreamSinkConnector } from './filestream/file-stream-sink-connector';
import { FileStreamSourceConnector } from './filestream/file-stream-source-connector';
import { KAFKA_VERSION } from './kafka-version';
import { S3SinkConnector } from './s3/s3-sink-connector';
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
  {
    className: S3SinkConnector.className,
    type: 'sink',
    version: KAFKA_VERSION,
    extraAliases: S3SinkConnector.aliases,
    create: () => new S3SinkConnector(),
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
  ...BUILTIN_TRANSFORMATIONS.map((cls): PluginRegistration => ({
    className: cls.className,
    type: 'transformation',
    version: KAFKA_VERSION,
    create: () => new cls(),
  })),
  ...BUILTIN_PREDICATES.map((cls): PluginRegistration => ({
    className: cls.className,
    type: 'predicate',
    version: KAFKA_VERSION,
    create: () => new cls(),
  })),
];
