/** Java plug-ins of the tests (scripts/setup.mjs: tools/maven/pom.xml profiles java-plugins, debezium). */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
