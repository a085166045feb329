/** The kafkajs log creator: retried responses are debug lines, real errors stay errors. */
import { logLevel } from 'kafkajs';
import { createLogCreator } from '../../lib/adapters/kafka/client';

const capture = () => {
  const lines: [string, string][] = [];
  const logger = {
    debug: (m: string) => lines.push(['debug', m]),
    info: (m: string) => lines.push(['info', m]),
    warn: (m: string) => lines.push(['warn', m]),
    error: (m: string) => lines.push(['error', m]),
  };
  const log = createLogCreator(logger)(logLevel.DEBUG);
  const entry = (namespace: string, level: logLevel, message: string) =>
    log({ namespace, level, label: 'ERROR', log: { timestamp: '', message } });
  return { lines, entry };
};

describe('createLogCreator', () => {
  it("logs kafkajs' retries of CONCURRENT_TRANSACTIONS at debug, other send failures at error", () => {
    const { lines, entry } = capture();
    entry(
      'Producer',
      logLevel.ERROR,
      'Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    );
    entry(
      'Producer',
      logLevel.ERROR,
      "Failed to send messages: Producer attempted an operation with an old epoch. Either there is a newer producer with the same transactionalId, or the producer's transaction has been expired by the broker",
    );
    entry('Connection', logLevel.ERROR, 'Response Metadata(key: 3, version: 6): The coordinator is loading');
    expect(lines.map(([level]) => level)).toEqual(['debug', 'error', 'debug']);
  });
});
