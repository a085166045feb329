/**
 * Replays requests recorded against a real Apache Kafka Connect 4.3.1 worker (test/fixtures/apache-rest) and
 * expects the same status and body. Only entries that need no running connector are replayed in order on a
 * fresh API; the contract test (contract.test.ts) covers the stateful rest with the reconciler simulated.
 * Entries not replayed are listed with the reason.
 */
import { builtinPlugins } from '../../lib/plugins/builtins';
import { PluginRegistry } from '../../lib/plugins/registry';
import { createTestApi, type TestApi, viaLambdaV1 } from './harness';

interface Recorded {
  note: string;
  method: string;
  path: string;
  request: unknown;
  requestContentType: string | null;
  status: number;
  body: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const recorded = require('../fixtures/apache-rest/apache-4.3.1-responses.json') as Recorded[];

/** Replayed, in this order; each must match Apache exactly (timestamps aside). */
const REPLAYED = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 25, 26, 27, 28, 29, 30, 31, 32, 36, 45, 99,
  100, 101, 102, 103, 105, 106, 107, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120,
];
/**
 * Not replayed, and why:
 * - 0: commit and cluster id are the recording worker's;
 * - 21–24, 37–39, 42–44, 46–98, 122–124: need connectors the reconciler has started (contract.test.ts);
 * - 33, 34, 35, 40, 41, 108, 121: Apache answers 500 (or no 413) for bad input; we answer 400/413 on purpose;
 * - 60: Jetty rejects `%2F` in a path (400, HTML); we accept any percent-encoded name;
 * - 104: converters' own ConfigDefs are not in the plugin registry yet.
 */

const normalize = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key === 'last_modified' && typeof v === 'number' ? 'set' : v,
  );

describe('replay of Apache Kafka Connect 4.3.1 responses', () => {
  let t: TestApi;
  beforeAll(async () => {
    // The recording worker had Apache's classpath only: our own connectors (the S3 sink) are left out here.
    const registry = new PluginRegistry();
    for (const plugin of builtinPlugins()) if (!plugin.className.startsWith('serverless.')) registry.register(plugin);
    t = await createTestApi({ registry });
  });

  it.each(REPLAYED.map((i) => [i, `${recorded[i]!.method} ${recorded[i]!.path}`, recorded[i]!] as const))(
    '#%i %s',
    async (_i, _title, entry) => {
      const call = viaLambdaV1(t.composition);
      const options =
        entry.request === null
          ? {}
          : { body: entry.request, contentType: entry.requestContentType ?? 'application/json' };
      const reply = await call(entry.method, entry.path, options);
      expect({ status: reply.status, body: normalize(reply.body) }).toEqual({
        status: entry.status,
        body: normalize(entry.body),
      });
    },
  );
});
