/**
 * The S3 plug-in layer (javaPlugins.s3, lib/plugins/plugin-download.ts) against moto's S3: Apache's real
 * connect-file and connect-mirror jars uploaded under a prefix and as single objects come back byte for byte in
 * plugin.path's layout, and the task-runner's archive scan finds the Java classes in them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadPluginObject, downloadPlugins, parseS3Uri } from '../../lib/plugins/plugin-download';
import { javaClassOnPluginPath } from '../../lib/plugins/java-plugins';
import { createBucket, storeFor } from '../plugins/s3/helpers';
import { requireServices } from '../services/env';
import { javaPluginsDir } from './helpers';

requireServices('moto');

const jar = (plugin: string, name: string): Buffer => readFileSync(join(javaPluginsDir(), plugin, name));
const FILE_JAR = 'connect-file-4.3.1.jar';
const MIRROR_JARS = ['connect-mirror-4.3.1.jar', 'connect-mirror-client-4.3.1.jar'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skc-plugin-layer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const put = async (store: ReturnType<typeof storeFor>, key: string, body: Buffer): Promise<void> =>
  store.put(key, [body], { partSize: 16 * 1024 * 1024 });

describe('the S3 plug-in layer', () => {
  it('copies every object under a prefix, one plug-in directory each, byte for byte', async () => {
    const store = storeFor(await createBucket());
    try {
      await put(store, `layer/connect-file/${FILE_JAR}`, jar('connect-file', FILE_JAR));
      for (const name of MIRROR_JARS) await put(store, `layer/connect-mirror/${name}`, jar('connect-mirror', name));
      await put(store, `elsewhere/${FILE_JAR}`, jar('connect-file', FILE_JAR));

      const { bucket, key, isPrefix } = parseS3Uri('s3://b/layer/');
      expect({ bucket, key, isPrefix }).toEqual({ bucket: 'b', key: 'layer/', isPrefix: true });
      const done = await downloadPlugins(store, key, dir);

      expect(done.files).toBe(3);
      expect(readdirSync(dir).sort()).toEqual(['connect-file', 'connect-mirror']);
      expect(readFileSync(join(dir, 'connect-file', FILE_JAR)).equals(jar('connect-file', FILE_JAR))).toBe(true);
      for (const name of MIRROR_JARS)
        expect(readFileSync(join(dir, 'connect-mirror', name)).equals(jar('connect-mirror', name))).toBe(true);
      expect(javaClassOnPluginPath([dir], 'org.apache.kafka.connect.mirror.MirrorSourceConnector')).toBe(true);
    } finally {
      store.close();
    }
  });

  it('places a single object (MSK Connect style) by its file name', async () => {
    const store = storeFor(await createBucket());
    try {
      await put(store, `archives/v1/${FILE_JAR}`, jar('connect-file', FILE_JAR));
      expect(parseS3Uri(`s3://b/archives/v1/${FILE_JAR}`).isPrefix).toBe(false);
      await downloadPluginObject(store, `archives/v1/${FILE_JAR}`, dir);
      expect(readdirSync(dir)).toEqual([FILE_JAR]);
      expect(javaClassOnPluginPath([dir], 'org.apache.kafka.connect.file.FileStreamSourceConnector')).toBe(true);
    } finally {
      store.close();
    }
  });

  it('fails clearly on an empty prefix and refuses a key that would leave the directory', async () => {
    const store = storeFor(await createBucket());
    try {
      await expect(downloadPlugins(store, 'nothing/', dir)).rejects.toThrow(
        'no plug-in archives under the S3 prefix nothing/',
      );
      await put(store, 'layer/../escape.jar', jar('connect-file', FILE_JAR));
      await expect(downloadPlugins(store, 'layer/', dir)).rejects.toThrow(/refusing S3 key layer\/\.\.\/escape\.jar/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
