/**
 * The worker's FileStream keys (`skc.filestream.enable`, `skc.filestream.allowed.paths`, docs/security.md) for
 * Apache's Java FileStream connectors (connect-file on plugin.path), which run Apache's code and so know nothing
 * of them. The JavaScript FileStream applies them in its validation and its task; the Java one gets the same
 * rules from the Node side that drives it:
 * - `skc.filestream.enable=false`: the Java FileStream connectors are left out of the catalog as the built-ins
 *   are left out of the registry (unknown classes for listing, validation and task configs), and a task of one
 *   (a config stored before the key changed) fails before its JVM starts;
 * - `skc.filestream.allowed.paths`: validation adds the JavaScript FileStream's error on `file` (400 on create),
 *   and a task whose `file` is outside the roots fails before its JVM opens it.
 */
import type { FileStreamSettings } from '../config/worker-security';
import { hasPlaceholders } from '../config/config-providers';
import {
  FILESTREAM_CONNECTOR_CLASSES,
  FILESTREAM_TASK_CLASSES,
  fileStreamPathError,
} from '../plugins/filestream/file-access';
import type { JavaPluginCatalog } from '../plugins/java-plugins';
import { findJavaConnector } from '../plugins/java-plugins';
import { addError } from './connector-validation';

/** The catalog as the REST API and the reconciler see it under the worker's FileStream settings. */
export function withFileStreamPolicy(catalog: JavaPluginCatalog, settings: FileStreamSettings): JavaPluginCatalog {
  if (settings.enabled && settings.allowedPaths === null) return catalog;
  const plugins = settings.enabled
    ? catalog.plugins
    : catalog.plugins.filter((p) => !FILESTREAM_CONNECTOR_CLASSES.has(p.className));
  return {
    plugins,
    scanProblems: catalog.scanProblems,
    ...(catalog.idleLocations ? { idleLocations: catalog.idleLocations } : {}),
    ...(catalog.stateless !== undefined ? { stateless: catalog.stateless } : {}),
    pluginConfig: (plugin, version) => catalog.pluginConfig(plugin, version),
    taskConfigs: (connector, config) => catalog.taskConfigs(connector, config),
    releaseConnector: (connector) => catalog.releaseConnector(connector),
    onReconfigurationRequested: (listener) => catalog.onReconfigurationRequested(listener),
    close: () => catalog.close(),
    async validate(config) {
      const infos = await catalog.validate(config);
      const desc = findJavaConnector(plugins, config['connector.class'] ?? '');
      if (!desc || !FILESTREAM_CONNECTOR_CLASSES.has(desc.className)) return infos;
      // A `${provider:…}` reference is checked where it is resolved: by the task, before the JVM starts.
      const file = config['file'];
      const error =
        file !== undefined && hasPlaceholders(file) ? null : fileStreamPathError(file, settings.allowedPaths);
      if (error) addError(infos, 'file', file ?? null, error);
      return infos;
    },
  };
}

/**
 * Why a Java task may not start under the worker's FileStream settings, or null. `task.class` is what Apache's
 * `Worker.connectorTaskConfigs` put in the task config; the connector class covers a task config without it.
 */
export function javaFileStreamTaskError(
  settings: FileStreamSettings,
  connectorConfig: Readonly<Record<string, string>>,
  taskConfig: Readonly<Record<string, string>>,
): string | null {
  const taskClass = taskConfig['task.class'] ?? '';
  const connectorClass = connectorConfig['connector.class'] ?? '';
  const fileStream =
    FILESTREAM_TASK_CLASSES.has(taskClass) ||
    [...FILESTREAM_CONNECTOR_CLASSES].some(
      (c) => c === connectorClass || c.endsWith(`.${connectorClass}`) || c.endsWith(`.${connectorClass}Connector`),
    );
  if (!fileStream) return null;
  if (!settings.enabled) {
    return `The FileStream connectors are disabled by the worker's 'skc.filestream.enable=false' (task class ${taskClass || connectorClass})`;
  }
  return fileStreamPathError(taskConfig['file'], settings.allowedPaths);
}
