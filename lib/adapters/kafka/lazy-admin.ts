/**
 * A kafkajs admin client connected on first use and kept: readers that ask once per request or heartbeat pay the
 * connection once. A failed connect is not kept, so the next call tries again.
 */
import type { Admin, Kafka } from 'kafkajs';

export class LazyAdmin {
  private ready: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  get(): Promise<Admin> {
    this.ready ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async close(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    const admin = await ready?.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }
}
