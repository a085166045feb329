/** Runs test/java/TransformsOracle.java (Apache's connect-transforms 4.3.1) once over a whole corpus: one JVM. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaSpec, ValueSpec } from '../../converters/support/spec';
import { servicePaths } from '../../services/paths';

export interface RecordSpec {
  topic: string;
  partition?: number | null;
  keySchema?: SchemaSpec | null;
  key?: ValueSpec;
  valueSchema?: SchemaSpec | null;
  value?: ValueSpec;
  timestamp?: number | null;
  headers?: [string, SchemaSpec | null, ValueSpec][];
  /** present: a SinkRecord at this offset; absent: a SourceRecord */
  offset?: number;
}

export interface TransformCase {
  id: string;
  class: string;
  predicate?: boolean;
  config: Record<string, string>;
  /** also compare ConfigDef.validate errors */
  validate?: boolean;
  records: RecordSpec[];
}

export interface DescribedRecord {
  topic: string;
  partition: number | null;
  keySchema: SchemaSpec | null;
  key: ValueSpec;
  valueSchema: SchemaSpec | null;
  value: ValueSpec;
  timestamp: string | null;
  headers: [string, SchemaSpec | null, ValueSpec][];
}

export type RecordResult = { record: DescribedRecord } | { dropped: true } | { test: boolean } | { error: string };

export interface TransformResult {
  id: string;
  validate?: Record<string, string[]>;
  configure?: { error: string };
  results?: RecordResult[];
}

const JAVA = process.env.SKC_ORACLE_JAVA ?? 'java';

export function runTransformsOracle(cases: readonly TransformCase[]): Map<string, TransformResult> {
  const paths = servicePaths();
  if (!existsSync(paths.kafkaClasspathFile)) {
    throw new Error(`${paths.kafkaClasspathFile} is missing: run \`node scripts/setup.mjs\``);
  }
  const classpath = readFileSync(paths.kafkaClasspathFile, 'utf8').trim();
  if (!classpath.includes('connect-transforms')) {
    throw new Error('connect-transforms is not on the kafka classpath: re-run `node scripts/setup.mjs`');
  }
  const source = join(paths.root, 'test', 'java', 'TransformsOracle.java');
  const run = spawnSync(JAVA, ['-cp', classpath, source], {
    input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`transforms oracle failed (${run.status}): ${run.stderr}`);
  const results = new Map<string, TransformResult>();
  for (const line of run.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line) as TransformResult;
    results.set(result.id, result);
  }
  return results;
}
