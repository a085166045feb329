/**
 * The S3 plug-in layer of a deployment (the construct's `javaPlugins.s3`): `SKC_PLUGIN_S3_URI` is downloaded into
 * `SKC_PLUGIN_S3_DIR` (a directory of `SKC_PLUGIN_PATH` on the task's scratch volume) once per process, before
 * plugin.path is scanned. The task role may read exactly that prefix (infra/task-cluster.ts).
 */
import { createS3ObjectStore } from '../lib/adapters/s3';
import {
  type DownloadedPlugins,
  downloadPluginObject,
  downloadPlugins,
  parseS3Uri,
} from '../lib/plugins/plugin-download';

let downloading: Promise<DownloadedPlugins | undefined> | undefined;

export function downloadPluginLayer(env: NodeJS.ProcessEnv = process.env): Promise<DownloadedPlugins | undefined> {
  downloading ??= (async () => {
    const uri = env.SKC_PLUGIN_S3_URI;
    const dir = env.SKC_PLUGIN_S3_DIR;
    if (!uri) return undefined;
    if (!dir) throw new Error('SKC_PLUGIN_S3_URI is set without SKC_PLUGIN_S3_DIR (where the plug-ins go)');
    let files = 0;
    let bytes = 0;
    // A prefix, or a comma-separated list of objects (infra/java-plugins.ts).
    for (const one of uri.split(',').filter((u) => u.trim() !== '')) {
      const { bucket, key, isPrefix } = parseS3Uri(one);
      const store = createS3ObjectStore({
        bucket,
        region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
        retries: 3,
        retryBackoffMs: 200,
      });
      try {
        const done = isPrefix ? await downloadPlugins(store, key, dir) : await downloadPluginObject(store, key, dir);
        files += done.files;
        bytes += done.bytes;
      } finally {
        store.close();
      }
    }
    return { files, bytes };
  })();
  return downloading;
}
