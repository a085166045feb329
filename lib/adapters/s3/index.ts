import type { IncompleteUpload, ObjectPutOptions, ObjectStore } from '../../storage/object-store';
import type { S3ObjectStore, S3ObjectStoreConfig } from './s3-object-store';

export type { S3ObjectStoreConfig } from './s3-object-store';

/**
 * The S3 store, with the AWS S3 SDK loaded on first use: every task process registers the built-in plug-ins, and
 * loading @aws-sdk/client-s3 + lib-storage up front cost each one (FileStream, Debezium …) time at start and
 * memory for a client it never uses (measured in docs/performance.md).
 */
export const createS3ObjectStore = (config: S3ObjectStoreConfig): ObjectStore => new LazyS3ObjectStore(config);

class LazyS3ObjectStore implements ObjectStore {
  private store: S3ObjectStore | undefined;
  private loading: Promise<S3ObjectStore> | undefined;
  private closed = false;

  constructor(private readonly config: S3ObjectStoreConfig) {}

  private async s3(): Promise<S3ObjectStore> {
    this.loading ??= import('./s3-object-store').then(({ S3ObjectStore: Store }) => {
      this.store = new Store(this.config);
      if (this.closed) this.store.close();
      return this.store;
    });
    return this.loading;
  }

  async checkBucket(): Promise<void> {
    return (await this.s3()).checkBucket();
  }
  async put(key: string, body: readonly Uint8Array[], options: ObjectPutOptions): Promise<void> {
    return (await this.s3()).put(key, body, options);
  }
  async get(key: string): Promise<Uint8Array> {
    return (await this.s3()).get(key);
  }
  async list(prefix: string, startAfter?: string): Promise<string[]> {
    return (await this.s3()).list(prefix, startAfter);
  }
  async delete(keys: readonly string[]): Promise<void> {
    return (await this.s3()).delete(keys);
  }
  async incompleteUploads(prefix: string): Promise<IncompleteUpload[]> {
    return (await this.s3()).incompleteUploads(prefix);
  }
  async abortUpload(upload: IncompleteUpload): Promise<void> {
    return (await this.s3()).abortUpload(upload);
  }
  async tag(key: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return (await this.s3()).tag(key, tags);
  }
  close(): void {
    this.closed = true;
    this.store?.close();
  }
}
