/**
 * tools/maven/broker.lock (the jars `npm start`'s broker runs, fetched without Maven) against the pom: each locked
 * jar is the one Maven resolved for the tests' `kafka` profile (a superset of the `broker` profile's dependencies),
 * so a version bump in the pom without `node scripts/setup.mjs --lock-broker` fails here; and each jar Maven
 * downloaded has the SHA-256 the lock asks of a download from Maven Central.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, servicePaths } from '../services/paths';

const lock = readFileSync(join(projectRoot(), 'tools', 'maven', 'broker.lock'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [path, sha256] = line.trim().split(/\s+/) as [string, string];
    return { path, sha256 };
  });

/** Maven's resolution for the tests, by path inside the repository. */
const resolved = new Map(
  readFileSync(servicePaths().kafkaClasspathFile, 'utf8')
    .trim()
    .split(':')
    .map((jar) => [jar.replace(/\\/g, '/').split('/repository/').pop()!, jar] as const),
);

describe('tools/maven/broker.lock', () => {
  it('names the broker and its logging', () => {
    const artifacts = lock.map(({ path }) => path.split('/').slice(-3, -2)[0]);
    expect(artifacts).toEqual(
      expect.arrayContaining(['kafka_2.13', 'kafka-clients', 'log4j-core', 'log4j-slf4j2-impl']),
    );
    expect(artifacts).not.toContain('kafka-tools'); // test-only jars stay out of npm start
  });

  it('is what Maven resolves from the pom, byte for byte', () => {
    for (const { path, sha256 } of lock) {
      const jar = resolved.get(path);
      expect({ path, resolved: jar !== undefined }).toEqual({ path, resolved: true });
      expect({ path, sha256: createHash('sha256').update(readFileSync(jar!)).digest('hex') }).toEqual({ path, sha256 });
    }
  });
});
