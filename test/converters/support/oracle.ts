/** Runs test/java/JsonConverterOracle.java (Apache's own converters) once over a whole corpus. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { servicePaths } from '../../services/paths';
import type { SchemaSpec, ValueSpec } from './spec';

export interface OracleCase {
  id: string;
  /** 'json', 'simple-header', or the Apache class name of any other converter. */
  converter?: string;
  /** Use the HeaderConverter methods. */
  header?: boolean;
  config?: Record<string, string>;
  isKey?: boolean;
  write?: { schema: SchemaSpec | null; value: ValueSpec };
  /** Bytes to deserialize, base64 (null = a null record value). */
  read?: string | null;
}

export type ReadResult = { schema: SchemaSpec | null; value: ValueSpec } | { error: string };

export interface OracleResult {
  id: string;
  configure?: { error: string };
  write?: { bytes: string | null } | { error: string };
  readBack?: ReadResult;
  read?: ReadResult;
}

export interface OracleRun {
  results: Map<string, OracleResult>;
  /** Feature version of the JDK that ran Apache's code (Float/Double.toString differ before 19). */
  jdk: number;
}

/** The JVM: `SKC_ORACLE_JAVA` (e.g. a JDK 21 binary) or `java` on the PATH. */
const JAVA = process.env.SKC_ORACLE_JAVA ?? 'java';

export function runOracle(cases: readonly OracleCase[]): OracleRun {
  const paths = servicePaths();
  if (!existsSync(paths.kafkaClasspathFile)) {
    throw new Error(
      `${paths.kafkaClasspathFile} is missing: run \`node scripts/setup.mjs\` (Maven resolves connect-json)`,
    );
  }
  const classpath = readFileSync(paths.kafkaClasspathFile, 'utf8').trim();
  const source = join(paths.root, 'test', 'java', 'JsonConverterOracle.java');
  const run = spawnSync(JAVA, ['-cp', classpath, source], {
    input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`oracle failed (${run.status}): ${run.stderr}`);
  const results = new Map<string, OracleResult>();
  let jdk = 0;
  for (const line of run.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line) as OracleResult & { feature?: number };
    if (result.id === '__jvm') jdk = result.feature ?? 0;
    else results.set(result.id, result);
  }
  return { results, jdk };
}
