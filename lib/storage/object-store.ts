/**
 * The object-store port the S3 sink writes through (lib/adapters/s3 is its adapter, the only code that imports the
 * S3 client). Objects are whole: `put` returns once the object is durable (PutObject, or CompleteMultipartUpload),
 * so a caller may commit consumer offsets for what the object holds as soon as `put` resolves.
 */

export interface ObjectPutOptions {
  /** part size of multipart uploads: bodies larger than this are uploaded in parts of this size */
  readonly partSize: number;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface IncompleteUpload {
  readonly key: string;
  readonly uploadId: string;
}

export interface ObjectStore {
  /** Throws an ObjectStoreError naming the bucket when it does not exist or cannot be reached with these credentials. */
  checkBucket(): Promise<void>;
  /** Write one object from its chunks (concatenated in order). Resolves when the object is durable. */
  put(key: string, body: readonly Uint8Array[], options: ObjectPutOptions): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** Keys under `prefix` (every page), in S3's order (UTF-8 binary), after `startAfter` when given. */
  list(prefix: string, startAfter?: string): Promise<string[]>;
  delete(keys: readonly string[]): Promise<void>;
  /** Multipart uploads started under `prefix` and neither completed nor aborted. */
  incompleteUploads(prefix: string): Promise<IncompleteUpload[]>;
  abortUpload(upload: IncompleteUpload): Promise<void>;
  /** Replace the object's tags (the S3 sink's `s3.object.tagging`). */
  tag(key: string, tags: Readonly<Record<string, string>>): Promise<void>;
  close(): void;
}

/** An object-store failure with S3's error code; `retriable` drives the shared backoff (throttling, 5xx, network). */
export class ObjectStoreError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
  }
}
