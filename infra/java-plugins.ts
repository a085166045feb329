/**
 * The Java plug-in layer of a deployment (docs/java-plugins.md, "AWS"): where the plug-in jars/zips come from,
 * where they are inside the JVM image's containers (plugin.path), and who may read them.
 *
 * - `directory`: a local directory (inside the project root, the Docker build context) baked into the image at
 *   /app/java-plugins. Lay it out as plugin.path: one subdirectory per plug-in, or archives side by side.
 * - `s3`: objects downloaded at start into the scratch volume (/tmp/java-plugins) before anything scans
 *   plugin.path, by the task-runner (ECS) and by the catalog function's entry point (Lambda). Either a `prefix`
 *   (every object below it, keeping its path: `<prefix>/debezium/x.jar` → `/tmp/java-plugins/debezium/x.jar`), or
 *   exact `keys` (MSK Connect's style: each object one plug-in archive, placed by its file name). Readers get
 *   s3:GetObject on exactly those objects or that prefix, and s3:ListBucket only for that prefix.
 */
import type { Stack } from 'aws-cdk-lib';
import { Arn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { PluginDirectory } from './plugin-paths';
import { pluginDirectory } from './plugin-paths';

export interface JavaPluginsS3 {
  /** bucket name */
  readonly bucket: string;
  /** every object under this key prefix (a `/` is added when missing); needs a wildcard grant on the prefix */
  readonly prefix?: string;
  /** exact object keys, one plug-in archive each; grants name each object (no wildcard) */
  readonly keys?: readonly string[];
}

export interface JavaPlugins {
  /** Local directory of Java plug-ins, relative to `projectRoot`: baked into the JVM image. */
  readonly directory?: string;
  /** Plug-ins in S3: downloaded at task (and catalog function) start. */
  readonly s3?: JavaPluginsS3;
  /**
   * Memory of the catalog Lambda function (its CPU share grows with it: Apache's plug-in scan is CPU-bound).
   * @default 2048
   */
  readonly catalogMemoryMiB?: number;
  /**
   * Each started Java connector runs in a connector task of its own (one more ECS task of the tasks' definition,
   * task id -1) that keeps the connector running and hears its `requestTaskReconfiguration()`; false: no connector
   * task, the reconciler's schedule polls the task configs every minute instead (docs/java-plugins.md).
   * @default true
   */
  readonly connectorTasks?: boolean;
}

/** Where plug-ins are inside the JVM image's containers. */
export const IMAGE_PLUGIN_DIR = '/app/java-plugins';
export const S3_PLUGIN_DIR = '/tmp/java-plugins';

/** The resolved layer: build-context directory, S3 URIs, the image's plugin.path entries, read grants. */
export class JavaPluginLayer {
  readonly directory: PluginDirectory | undefined;
  readonly s3Uris: readonly string[];
  private readonly s3: JavaPluginsS3 | undefined;

  constructor(projectRoot: string, props: JavaPlugins) {
    if (!props.directory && !props.s3) throw new Error('javaPlugins needs a directory, an s3 source, or both');
    this.directory = props.directory ? pluginDirectory(projectRoot, props.directory) : undefined;
    this.s3 = props.s3 ? normalizeS3(props.s3) : undefined;
    const s3 = this.s3;
    this.s3Uris = !s3
      ? []
      : s3.prefix !== undefined
        ? [`s3://${s3.bucket}/${s3.prefix}`]
        : (s3.keys ?? []).map((k) => `s3://${s3.bucket}/${k}`);
  }

  /** plugin.path entries of the containers: the baked directory, then the downloaded one. */
  get pluginPath(): string[] {
    return [...(this.directory ? [IMAGE_PLUGIN_DIR] : []), ...(this.s3 ? [S3_PLUGIN_DIR] : [])];
  }

  /** What the task-runner and the catalog function's entry point read (composition/plugin-download.ts). */
  get downloadEnvironment(): Record<string, string> {
    return this.s3Uris.length > 0 ? { SKC_PLUGIN_S3_URI: this.s3Uris.join(','), SKC_PLUGIN_S3_DIR: S3_PLUGIN_DIR } : {};
  }

  /** s3:GetObject on exactly the plug-in objects (or the prefix), s3:ListBucket on the prefix only. */
  grantRead(stack: Stack, grantee: iam.IGrantable, suppressOn: IConstruct[]): void {
    const s3 = this.s3;
    if (!s3) return;
    const bucketArn = Arn.format(
      { partition: stack.partition, service: 's3', region: '', account: '', resource: s3.bucket },
      stack,
    );
    if (s3.prefix !== undefined) {
      iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [`${bucketArn}/${s3.prefix}*`] });
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${s3.prefix}*`] } },
      });
      // The one wildcard of this layer: the objects below the prefix the user named (their names are the user's).
      NagSuppressions.addResourceSuppressions(
        suppressOn,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: `Java plug-ins: s3:GetObject on the objects below the prefix given in javaPlugins.s3 (${s3.bucket}/${s3.prefix}); javaPlugins.s3.keys names each object instead (no wildcard).`,
            appliesTo: [`Resource::arn:<AWS::Partition>:s3:::${s3.bucket}/${s3.prefix}*`],
          },
        ],
        true,
      );
      return;
    }
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: (s3.keys ?? []).map((k) => `${bucketArn}/${k}`),
    });
  }
}

function normalizeS3(s3: JavaPluginsS3): JavaPluginsS3 {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s3.bucket)) {
    throw new Error(`javaPlugins.s3.bucket is not an S3 bucket name: ${s3.bucket}`);
  }
  if ((s3.prefix === undefined) === (s3.keys === undefined)) {
    throw new Error('javaPlugins.s3 needs exactly one of prefix and keys');
  }
  const plain = (key: string): boolean =>
    key.length > 0 && !/[*?,\s]/.test(key) && key.split('/').every((p) => p !== '..' && p !== '.');
  if (s3.prefix !== undefined) {
    const prefix = s3.prefix.replace(/^\/+/, '');
    if (prefix === '' || !plain(prefix)) {
      throw new Error(`javaPlugins.s3.prefix must be a non-empty key prefix without wildcards: ${s3.prefix}`);
    }
    return { bucket: s3.bucket, prefix: prefix.endsWith('/') ? prefix : `${prefix}/` };
  }
  const keys = s3.keys ?? [];
  if (keys.length === 0 || !keys.every((k) => plain(k) && !k.endsWith('/'))) {
    throw new Error(`javaPlugins.s3.keys must be object keys (no wildcards, no trailing /): ${keys.join(', ')}`);
  }
  return { bucket: s3.bucket, keys };
}
