/**
 * KIP-618 preflight validation as Apache's DistributedHerder does it (`validateSourceConnectorExactlyOnceSupport`,
 * `validateSourceConnectorTransactionBoundary`), through the herder's production validation and the built-in
 * FileStreamSource; standalone (no worker flag given) checks neither.
 */
import { ConfigDef } from '../../lib/connect/config-def';
import { SourceConnector } from '../../lib/connect/connector';
import type { ConnectorTransactionBoundaries, TaskClass } from '../../lib/connect/connector';
import { parseWorkerConfig } from '../../lib/config/worker-config';
import { connectorValidation } from '../../lib/herder/connector-validation';
import { PluginRegistry } from '../../lib/plugins/registry';

const registry = PluginRegistry.withBuiltins();
const errorsOf = (
  exactlyOnceSourceEnabled: boolean | undefined,
  config: Record<string, string>,
  connector = registry.newConnector('FileStreamSource'),
) => {
  const validation = connectorValidation(
    registry,
    undefined,
    undefined,
    exactlyOnceSourceEnabled === undefined ? {} : { exactlyOnceSourceEnabled },
  );
  const infos = validation.validate(connector, 'source', { name: 'c', topic: 't', ...config });
  return (key: string) => infos.configs.find((c) => c.value?.name === key)?.value?.errors ?? [];
};
const FILE = { 'connector.class': 'FileStreamSource', file: '/tmp/in.txt' };

class BoundaryConnector extends SourceConnector {
  constructor(private readonly answer: ConnectorTransactionBoundaries | null | Error) {
    super();
  }
  version = () => '1';
  start(): void {}
  taskClass = (): TaskClass => {
    throw new Error('unused');
  };
  taskConfigs = (): Record<string, string>[] => [];
  stop(): void {}
  config = () => new ConfigDef();
  override canDefineTransactionBoundaries(): ConnectorTransactionBoundaries | null {
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

describe('exactly-once preflight validation', () => {
  it('exactly.once.support=required on a worker without exactly-once support: Apache message on the key', () => {
    expect(errorsOf(false, { ...FILE, 'exactly.once.support': 'required' })('exactly.once.support')).toEqual([
      'This worker does not have exactly-once source support enabled.',
    ]);
    expect(errorsOf(true, { ...FILE, 'exactly.once.support': 'required' })('exactly.once.support')).toEqual([]);
    expect(errorsOf(false, { ...FILE, 'exactly.once.support': 'requested' })('exactly.once.support')).toEqual([]);
  });

  it('FileStreamSource on stdin does not support exactly-once', () => {
    expect(
      errorsOf(true, { 'connector.class': 'FileStreamSource', 'exactly.once.support': 'REQUIRED' })(
        'exactly.once.support',
      ),
    ).toEqual(['The connector does not support exactly-once semantics with the provided configuration.']);
  });

  it('transaction.boundary=connector needs a connector that can define boundaries', () => {
    const boundary = { ...FILE, 'transaction.boundary': 'connector' };
    expect(errorsOf(true, boundary)('transaction.boundary')).toEqual([
      'The connector does not support connector-defined transaction boundaries with the given configuration. ' +
        'Please reconfigure it to use a different transaction boundary definition.',
    ]);
    // Apache checks it whatever the worker flag says (DistributedHerder), never in standalone.
    expect(errorsOf(false, boundary)('transaction.boundary')).toHaveLength(1);
    expect(errorsOf(undefined, boundary)('transaction.boundary')).toEqual([]);
    expect(errorsOf(true, boundary, new BoundaryConnector('SUPPORTED'))('transaction.boundary')).toEqual([]);
    expect(errorsOf(true, boundary, new BoundaryConnector(null))('transaction.boundary')).toEqual([
      'This connector has returned a null value from its canDefineTransactionBoundaries method, which is not permitted. ' +
        "The connector will be treated as if it cannot define its own transaction boundaries, and cannot be configured with 'transaction.boundary' set to 'connector'.",
    ]);
    expect(errorsOf(true, boundary, new BoundaryConnector(new Error(' boom ')))('transaction.boundary')).toEqual([
      'An unexpected error occurred during validation: boom',
    ]);
    expect(errorsOf(true, { ...FILE, 'transaction.boundary': 'interval' })('transaction.boundary')).toEqual([]);
  });

  it('worker exactly.once.source.support: Apache values, distributed only', () => {
    const base = {
      'bootstrap.servers': 'localhost:9092',
      'group.id': 'g',
      'offset.storage.topic': 'o',
      'config.storage.topic': 'c',
      'status.storage.topic': 's',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    };
    expect(parseWorkerConfig(base, 'distributed').exactlyOnceSourceSupport).toBe('disabled');
    expect(
      parseWorkerConfig({ ...base, 'exactly.once.source.support': 'ENABLED' }, 'distributed').exactlyOnceSourceSupport,
    ).toBe('enabled');
    expect(() => parseWorkerConfig({ ...base, 'exactly.once.source.support': 'maybe' }, 'distributed')).toThrow(
      /Invalid value maybe for configuration exactly.once.source.support: String must be one of \(case insensitive\)/,
    );
  });
});
