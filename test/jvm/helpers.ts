/** Java plug-ins of the tests (scripts/setup.mjs: tools/maven/pom.xml profiles java-plugins, debezium). */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaBootstrap } from '../services/env';
import { projectRoot } from '../services/paths';

export const javaPluginsDir = (): string => join(projectRoot(), '.cache', 'maven', 'plugins');

/**
 * A plugin.path directory laid out as a user installs plug-ins: one subdirectory per plug-in (Apache's unit of
 * isolation: the jars of one subdirectory share a class loader). The caller removes it.
 */
export function pluginPathWith(...plugins: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'skc-plugin-path-'));
  for (const plugin of plugins) cpSync(join(javaPluginsDir(), plugin), join(dir, plugin), { recursive: true });
  return dir;
}

/**
 * Compiles test/fixtures/java-plugins/<name> (sources and META-INF) into `<dir>/<subdir>/<name>.jar` (subdir
 * defaults to name) with the JDK's javac and jar, against the JVM host's classpath (connect-api, kafka-clients).
 * `version` replaces the sources' `@VERSION@` placeholder (one plug-in built as several versions).
 */
export function buildFixturePlugin(
  name: string,
  dir: string,
  options: { version?: string; subdir?: string } = {},
): void {
  const original = join(projectRoot(), 'test', 'fixtures', 'java-plugins', name);
  const classes = mkdtempSync(join(tmpdir(), `skc-${name}-classes-`));
  const source = options.version === undefined ? original : mkdtempSync(join(tmpdir(), `skc-${name}-src-`));
  const subdir = options.subdir ?? name;
  try {
    if (options.version !== undefined) {
      cpSync(original, source, { recursive: true });
      for (const file of listFiles(source).filter((f) => f.endsWith('.java'))) {
        writeFileSync(file, readFileSync(file, 'utf8').replaceAll('@VERSION@', options.version));
      }
    }
    const javaFiles = listFiles(source).filter((f) => f.endsWith('.java'));
    const classpath = readFileSync(join(projectRoot(), '.cache', 'jvm-host', 'host.classpath'), 'utf8').trim();
    execFileSync(jdkTool('javac'), ['-nowarn', '--release', '17', '-cp', classpath, '-d', classes, ...javaFiles]);
    cpSync(join(source, 'META-INF'), join(classes, 'META-INF'), { recursive: true });
    mkdirSync(join(dir, subdir), { recursive: true });
    execFileSync(jdkTool('jar'), ['cf', join(dir, subdir, `${name}.jar`), '-C', classes, '.']);
  } finally {
    rmSync(classes, { recursive: true, force: true });
    if (source !== original) rmSync(source, { recursive: true, force: true });
  }
}

const jdkTool = (tool: string): string => {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', tool)) ? join(home, 'bin', tool) : tool;
};

const listFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });

/**
 * A MirrorSourceConnector of the test broker onto itself (the alias prefix keeps the replica apart:
 * `src.<topic>`) for the topics matching `<prefix>-.*`, looking for new topics every second (its default is
 * 600 s) so a reconfiguration request follows a new topic quickly; no heartbeats, ACL or config syncing.
 */
export const mirrorSourceConfig = (prefix: string): Record<string, string> => ({
  'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
  'tasks.max': '1',
  'source.cluster.alias': 'src',
  'target.cluster.alias': 'dst',
  'source.cluster.bootstrap.servers': kafkaBootstrap(),
  'target.cluster.bootstrap.servers': kafkaBootstrap(),
  topics: `${prefix}-.*`,
  'refresh.topics.interval.seconds': '1',
  'replication.factor': '1',
  'offset-syncs.topic.replication.factor': '1',
  'sync.topic.acls.enabled': 'false',
  'sync.topic.configs.enabled': 'false',
  'emit.heartbeats.enabled': 'false',
});
