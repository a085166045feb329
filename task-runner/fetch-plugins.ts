/**
 * `node /app/fetch-plugins.js`: the S3 plug-in layer (composition/plugin-download.ts) for processes that start
 * no task-runner, i.e. the catalog Lambda of the JVM image (task-runner/jvm-catalog-entry.sh), before its JVM
 * scans plugin.path. Exit 0 when there is nothing to download.
 */
import { downloadPluginLayer } from '../composition/plugin-download';

downloadPluginLayer().then(
  (done) => {
    if (done)
      console.error(`plug-in layer: ${done.files} files, ${done.bytes} bytes from ${process.env.SKC_PLUGIN_S3_URI}`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`plug-in layer download failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
