import { closeSync, openSync, writeSync } from 'node:fs';
import { AbstractConfig } from '../../connect/config-def';
import { SinkTask } from '../../connect/connector';
import type { ConnectorConfigMap } from '../../connect/connector';
import { ConnectException } from '../../connect/errors';
import type { OffsetAndMetadata, SinkRecord } from '../../connect/records';
import { KAFKA_VERSION } from '../kafka-version';
import { FILE_CONFIG, sinkConfigDef } from './config';
import { javaString } from './java-string';

/**
 * `FileStreamSinkTask`: appends `String.valueOf(value)` + newline per record to a file (or stdout). Each put()
 * is one write() of the whole batch, so data is in the OS when put() returns and flush() has nothing to wait for.
 */
export class FileStreamSinkTask extends SinkTask {
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSinkTask';
  private filename: string | null = null;
  private fd: number | undefined;

  version(): string {
    return KAFKA_VERSION;
  }

  start(props: ConnectorConfigMap): void {
    const file = new AbstractConfig(sinkConfigDef(), props).getString(FILE_CONFIG);
    this.filename = file === null || file === '' ? null : file;
    if (this.filename === null) return;
    try {
      this.fd = openSync(this.filename, 'a');
    } catch (error) {
      throw new ConnectException(`Couldn't find or create file '${this.filename}' for FileStreamSinkTask`, {
        cause: error,
      });
    }
  }

  put(records: readonly SinkRecord[]): void {
    if (records.length === 0) return;
    if (this.fd === undefined) {
      let text = '';
      for (const record of records) text += `${javaString(record.value)}\n`;
      process.stdout.write(text);
      return;
    }
    // Encode straight into one reusable buffer (no per-record strings/buffers), one write() per put().
    let at = 0;
    for (const record of records) {
      const text = typeof record.value === 'string' ? record.value : javaString(record.value);
      const worstCase = text.length * 3 + 1;
      if (at + worstCase > this.buffer.length) {
        this.writeOut(at);
        at = 0;
        if (worstCase > this.buffer.length) this.buffer = Buffer.allocUnsafe(worstCase * 2);
      }
      at += this.buffer.write(text, at, 'utf8');
      this.buffer[at++] = 0x0a;
    }
    this.writeOut(at);
  }

  private buffer = Buffer.allocUnsafe(1 << 20);

  private writeOut(length: number): void {
    let written = 0;
    while (written < length) written += writeSync(this.fd as number, this.buffer, written, length - written);
  }

  override flush(_offsets: ReadonlyMap<string, OffsetAndMetadata>): void {}

  stop(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
