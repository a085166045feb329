/**
 * A plug-in layer kept in S3 (like MSK Connect's custom plug-ins, many under one prefix): every object under the
 * prefix is copied to a local directory on `plugin.path` before anything scans it, keeping its path below the
 * prefix, so `<prefix>/debezium-postgres/*.jar` becomes one plug-in directory (Apache's unit of class-loader
 * isolation) and an archive directly under the prefix is a plug-in of its own, as in any plugin.path directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ObjectStore } from '../storage/object-store';

/** `s3://bucket/key`: a key ending in `/` (or none) is a prefix, any other one object. */
export function parseS3Uri(uri: string): { bucket: string; key: string; isPrefix: boolean } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri.trim());
  if (!match) throw new Error(`not an s3://bucket/key URI: ${uri}`);
  const key = match[2]!;
  return { bucket: match[1]!, key, isPrefix: key === '' || key.endsWith('/') };
}

export interface DownloadedPlugins {
  readonly files: number;
  readonly bytes: number;
}

/** One plug-in archive (MSK Connect's unit): copied into `dir` under its file name. */
export async function downloadPluginObject(store: ObjectStore, key: string, dir: string): Promise<DownloadedPlugins> {
  const name = key.split('/').pop() ?? '';
  if (name === '' || name === '..' || name === '.') throw new Error(`refusing S3 key ${key}: no file name`);
  const body = await store.get(key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), body);
  return { files: 1, bytes: body.byteLength };
}

/** Copies every object under `prefix` into `dir`; a key that would leave `dir` (`..`) is refused. */
export async function downloadPlugins(store: ObjectStore, prefix: string, dir: string): Promise<DownloadedPlugins> {
  const keys = (await store.list(prefix)).filter((k) => !k.endsWith('/'));
  if (keys.length === 0) throw new Error(`no plug-in archives under the S3 prefix ${prefix || '(bucket root)'}`);
  let bytes = 0;
  for (const key of keys) {
    const parts = key.slice(prefix.length).split('/');
    if (parts.some((p) => p === '..' || p === '.' || p === '')) {
      throw new Error(`refusing S3 key ${key}: its path below ${prefix} is not a plain relative path`);
    }
    const body = await store.get(key);
    const target = join(dir, ...parts);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
    bytes += body.byteLength;
  }
  return { files: keys.length, bytes };
}
