/**
 * A throw-away PostgreSQL 15 cluster (Debian's `postgresql` package) for the tests that need one (Debezium): a
 * fresh `initdb` in a temp dir, `wal_level=logical`, listening on a free 127.0.0.1 port, trust authentication.
 * Run as the `postgres` user when the tests run as root (PostgreSQL refuses root), under
 * `setpriv --pdeathsig KILL` so it dies with the test process. Ready when `pg_isready` answers.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../lib/adapters/local/kafka-broker';
import { waitFor } from './wait';

export const POSTGRES_BIN = process.env.SKC_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Postgres {
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** run SQL with psql (ON_ERROR_STOP); returns its unaligned, tuples-only output */
  sql(statements: string): string;
  stop(): Promise<void>;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** `command args` as the postgres user when we are root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPostgres(): Promise<Postgres> {
  if (!existsSync(join(POSTGRES_BIN, 'postgres'))) {
    throw new Error(`PostgreSQL 15 not found in ${POSTGRES_BIN}: apt-get install -y postgresql`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'skc-postgres-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const [initdb, initArgs] = asPostgres(join(POSTGRES_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });

  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port for PostgreSQL');
  const [command, args] = asPostgres(join(POSTGRES_BIN, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'wal_level=logical',
    '-c',
    'max_wal_senders=8',
    '-c',
    'max_replication_slots=8',
    '-c',
    'fsync=off',
    '-c',
    'shared_buffers=32MB',
  ]);
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', command, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = `${log}${d.toString()}`.slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`PostgreSQL exited: ${log}`);
      execFileSync(join(POSTGRES_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      return true;
    },
    { timeoutMs: 60_000, description: `PostgreSQL on 127.0.0.1:${port}` },
  );

  return {
    port,
    user: 'postgres',
    database: 'postgres',
    sql: (statements) =>
      execFileSync(
        join(POSTGRES_BIN, 'psql'),
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt'],
        { input: statements, encoding: 'utf8' },
      ),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
