/**
 * The JVM host's AppCDS archive (docs/java-plugins.md, "Start time"): scripts/setup.mjs dumps it for the host's
 * class path from jvm-host/src/cds/classes.txt, and lib/adapters/jvm starts every host JVM with it. It must be
 * usable as built, and an archive that does not fit (a rebuilt jar, a corrupt file) must never keep a host from
 * starting: the JVM ignores it (-Xshare:auto) and writes nothing on stdout, the protocol's channel.
 * No test service: each case starts a JVM that stops at the host's usage message (`Main` without a role).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readSync, closeSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaBinary, jvmHostFlags, resolveJvmHostClasspath } from '../../lib/adapters/jvm/jvm-host';
import { projectRoot } from '../services/paths';

const archive = join(projectRoot(), '.cache', 'jvm-host', 'host.jsa');
const classpath = resolveJvmHostClasspath({});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skc-cds-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The host's main without a role: exit 2 and its usage on stderr once the JVM is up. */
const startHost = (flags: readonly string[], cp = classpath) =>
  spawnSync(javaBinary(), [...flags, '-cp', cp, 'skc.jvmhost.Main'], { encoding: 'utf8' });

describe('the JVM host’s AppCDS archive', () => {
  it('is built by the set-up and used by the hosts: -Xshare:on accepts it for the host’s class path', () => {
    expect(jvmHostFlags({})).toContain(`-XX:SharedArchiveFile=${archive}`);
    const result = startHost(['-Xshare:on', ...jvmHostFlags({})]);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    expect(result.stderr).toContain('usage: skc.jvmhost.Main catalog|task');
  });

  it('a corrupt archive is ignored: the host starts and stdout stays clean', () => {
    const corrupt = join(dir, 'corrupt.jsa');
    const head = Buffer.alloc(1 << 20);
    const fd = openSync(archive, 'r');
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    writeFileSync(corrupt, head);
    const env = { SKC_JVM_HOST_CLASSPATH: classpath, SKC_JVM_HOST_CDS_ARCHIVE: corrupt };
    expect(jvmHostFlags(env)).toContain(`-XX:SharedArchiveFile=${corrupt}`);
    const result = startHost(jvmHostFlags(env));
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    expect(result.stderr).toContain('usage: skc.jvmhost.Main catalog|task');
  });

  it('an archive of another build of the jar is ignored: the host starts and stdout stays clean', () => {
    // The same jar with another modification time: what the JVM sees after a rebuild without a new archive.
    const [jar, ...rest] = classpath.split(':');
    const rebuilt = join(dir, 'jvm-host.jar');
    copyFileSync(jar!, rebuilt);
    utimesSync(rebuilt, new Date(), new Date(Date.now() + 60_000));
    const result = startHost(jvmHostFlags({}), [rebuilt, ...rest].join(':'));
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    expect(result.stderr).toContain('usage: skc.jvmhost.Main catalog|task');
    // -Xshare:on shows that the JVM did reject it (so the case above ran without the archive).
    expect(startHost(['-Xshare:on', ...jvmHostFlags({})], [rebuilt, ...rest].join(':')).status).toBe(1);
  });
});
