/**
 * The ObjectStore port on Amazon S3 (or any S3 API: moto, MinIO through `store.url`). The only module that imports
 * `@aws-sdk/client-s3` and `@aws-sdk/lib-storage`. Bodies up to one part go up with one PutObject; larger ones
 * through lib-storage's multipart `Upload`, which aborts its own upload when a part fails (an upload abandoned by a
 * killed process is found and aborted by the sink through `incompleteUploads` / `abortUpload`).
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectCannedACL, PutObjectCommandInput, ServerSideEncryption, StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { ObjectStoreError } from '../../storage/object-store';
import type { IncompleteUpload, ObjectPutOptions, ObjectStore } from '../../storage/object-store';

export interface S3ObjectStoreConfig {
  readonly bucket: string;
  readonly region: string;
  /** custom endpoint (`store.url`), e.g. moto or MinIO */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  /** S3 Transfer Acceleration (`s3.wan.mode`) */
  readonly accelerate?: boolean;
  /** static credentials; absent: the default provider chain (the ECS task role in AWS) */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** retries of each request after the first (`s3.part.retries`) and their base backoff (`s3.retry.backoff.ms`) */
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly serverSideEncryption?: { readonly algorithm: string; readonly kmsKeyId?: string };
  /** SSE-C: base64 of the 256-bit key */
  readonly sseCustomerKey?: string;
  readonly cannedAcl?: string;
  readonly storageClass?: string;
}

/** The most a retry waits: S3 asks for backoff when it throttles, but a task must not sleep for minutes. */
const MAX_RETRY_DELAY_MS = 20_000;

const RETRIABLE_CODES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
]);

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  constructor(private readonly c: S3ObjectStoreConfig) {
    this.client = new S3Client({
      region: c.region,
      ...(c.endpoint ? { endpoint: c.endpoint } : {}),
      forcePathStyle: c.forcePathStyle ?? false,
      useAccelerateEndpoint: c.accelerate ?? false,
      ...(c.credentials ? { credentials: { ...c.credentials } } : {}),
      retryStrategy: new ConfiguredRetryStrategy(c.retries + 1, (attempt) =>
        Math.min(MAX_RETRY_DELAY_MS, c.retryBackoffMs * 2 ** Math.max(0, attempt - 1)),
      ),
    });
  }

  async checkBucket(): Promise<void> {
    await this.call(`HeadBucket ${this.c.bucket}`, () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.c.bucket })),
    );
  }

  async put(key: string, body: readonly Uint8Array[], options: ObjectPutOptions): Promise<void> {
    const size = body.reduce((n, b) => n + b.byteLength, 0);
    const params: PutObjectCommandInput = {
      Bucket: this.c.bucket,
      Key: key,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...(options.contentEncoding ? { ContentEncoding: options.contentEncoding } : {}),
      ...(this.c.storageClass ? { StorageClass: this.c.storageClass as StorageClass } : {}),
      ...(this.c.cannedAcl ? { ACL: this.c.cannedAcl as ObjectCannedACL } : {}),
      ...(this.c.serverSideEncryption
        ? {
            ServerSideEncryption: this.c.serverSideEncryption.algorithm as ServerSideEncryption,
            ...(this.c.serverSideEncryption.kmsKeyId ? { SSEKMSKeyId: this.c.serverSideEncryption.kmsKeyId } : {}),
          }
        : {}),
      ...(this.c.sseCustomerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: this.c.sseCustomerKey } : {}),
      ...(options.tags ? { Tagging: new URLSearchParams(options.tags).toString() } : {}),
    };
    if (size <= options.partSize) {
      const single = body.length === 1 ? body[0] : Buffer.concat(body);
      await this.call(`PutObject ${key}`, () =>
        this.client.send(new PutObjectCommand({ ...params, Body: single ?? new Uint8Array(0), ContentLength: size })),
      );
      return;
    }
    await this.call(`multipart upload of ${key}`, () =>
      new Upload({
        client: this.client,
        params: { ...params, Body: Readable.from(body) },
        partSize: options.partSize,
        queueSize: 2,
        leavePartsOnError: false,
      }).done(),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    const out = await this.call(`GetObject ${key}`, () =>
      this.client.send(
        new GetObjectCommand({
          Bucket: this.c.bucket,
          Key: key,
          ...(this.c.sseCustomerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: this.c.sseCustomerKey } : {}),
        }),
      ),
    );
    return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
  }

  async list(prefix: string, startAfter?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(`ListObjectsV2 ${prefix}`, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.c.bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
          }),
        ),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.call(`DeleteObjects`, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.c.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new ObjectStoreError(
          `S3 could not delete ${failed.length} object(s) in bucket '${this.c.bucket}', e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`,
          first?.Code ?? 'DeleteFailed',
          RETRIABLE_CODES.has(first?.Code ?? ''),
        );
      }
    }
  }

  async incompleteUploads(prefix: string): Promise<IncompleteUpload[]> {
    const uploads: IncompleteUpload[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.call(`ListMultipartUploads ${prefix}`, () =>
        this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.c.bucket,
            Prefix: prefix,
            ...(keyMarker ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
          }),
        ),
      );
      for (const u of page.Uploads ?? []) {
        if (u.Key !== undefined && u.UploadId !== undefined) uploads.push({ key: u.Key, uploadId: u.UploadId });
      }
      if (!page.IsTruncated) return uploads;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  async abortUpload(upload: IncompleteUpload): Promise<void> {
    await this.call(`AbortMultipartUpload ${upload.key}`, () =>
      this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.c.bucket, Key: upload.key, UploadId: upload.uploadId }),
      ),
    );
  }

  async tag(key: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.call(`PutObjectTagging ${key}`, () =>
      this.client.send(
        new PutObjectTaggingCommand({
          Bucket: this.c.bucket,
          Key: key,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      ),
    );
  }

  close(): void {
    this.client.destroy();
  }

  /** One S3 call; its failure becomes an ObjectStoreError that names the bucket and says whether to retry. */
  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw this.translate(what, error);
    }
  }

  private translate(what: string, error: unknown): ObjectStoreError {
    const bucket = this.c.bucket;
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode ?? 0;
      const code = error.name;
      if (code === 'NoSuchBucket' || (what.startsWith('HeadBucket') && status === 404)) {
        return new ObjectStoreError(`S3 bucket '${bucket}' does not exist (${what})`, 'NoSuchBucket', false, {
          cause: error,
        });
      }
      if (status === 403) {
        return new ObjectStoreError(
          `Access to S3 bucket '${bucket}' denied (${what}): the credentials may not write to it`,
          'AccessDenied',
          false,
          { cause: error },
        );
      }
      if (status === 301 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') {
        return new ObjectStoreError(
          `S3 bucket '${bucket}' is not in the configured region '${this.c.region}' (${what}): set s3.region to the bucket's region`,
          code,
          false,
          { cause: error },
        );
      }
      const retriable = status >= 500 || status === 429 || RETRIABLE_CODES.has(code);
      return new ObjectStoreError(`${what} in bucket '${bucket}' failed: ${code}: ${error.message}`, code, retriable, {
        cause: error,
      });
    }
    // Network errors (connection refused/reset, DNS, timeouts) may pass.
    const message = error instanceof Error ? error.message : String(error);
    return new ObjectStoreError(`${what} in bucket '${bucket}' failed: ${message}`, 'NetworkError', true, {
      cause: error,
    });
  }
}
