/** Unit tests of the foundation helpers (no service needed). */
import { parseBootstrapServers } from '../../lib/adapters/kafka/client';
import { freePorts } from '../../lib/adapters/local/kafka-broker';
import { uniqueName, waitFor } from '../services/env';
import { selectedServices } from '../services/index';

describe('parseBootstrapServers', () => {
  it('accepts a bootstrap.servers string or a list', () => {
    expect(parseBootstrapServers(' a:9092, PLAINTEXT://b:9093 ,')).toEqual(['a:9092', 'b:9093']);
    expect(parseBootstrapServers(['127.0.0.1:1'])).toEqual(['127.0.0.1:1']);
  });

  it('rejects empty lists and entries without a port', () => {
    expect(() => parseBootstrapServers(' , ')).toThrow('bootstrap.servers is empty');
    expect(() => parseBootstrapServers('localhost')).toThrow("Invalid bootstrap server 'localhost'");
  });
});

describe('SKC_SERVICES', () => {
  it('selects all when empty, a subset, or none', () => {
    expect(selectedServices('')).toEqual(['kafka', 'dynamodb', 'moto']);
    expect(selectedServices('moto, kafka')).toEqual(['kafka', 'moto']);
    expect(selectedServices('none')).toEqual([]);
  });

  it('names unknown services', () => {
    expect(() => selectedServices('kafka,zookeeper')).toThrow('unknown service(s) zookeeper');
  });
});

describe('uniqueName', () => {
  it('is unique and valid as a topic, table and connector name', () => {
    const names = Array.from({ length: 100 }, () => uniqueName('my test/topic'));
    expect(new Set(names).size).toBe(100);
    for (const name of names) expect(name).toMatch(/^my-test-topic-[a-z0-9]+-[a-z0-9]+-\d+$/);
  });
});

describe('waitFor', () => {
  it('resolves to the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? 'done' : false), { intervalMs: 1 })).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('fails after its deadline with the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the thing' },
      ),
    ).rejects.toThrow('the thing not met within 30 ms: not yet');
  });
});

describe('freePorts', () => {
  it('returns distinct ports', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
  });
});
