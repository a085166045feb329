import type { ObjectStore } from '../../storage/object-store';
import { S3ObjectStore } from './s3-object-store';
import type { S3ObjectStoreConfig } from './s3-object-store';

export type { S3ObjectStoreConfig } from './s3-object-store';
export { S3ObjectStore } from './s3-object-store';

export const createS3ObjectStore = (config: S3ObjectStoreConfig): ObjectStore => new S3ObjectStore(config);
