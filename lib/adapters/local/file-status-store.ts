/**
 * StatusStore of the embedded local stack: one small JSON file per status record, so the local stack and every
 * task-runner child process can write concurrently without contending for one file:
 *
 *   <dir>/status/<encoded connector>/connector.json   connector status
 *   <dir>/status/<encoded connector>/task-<id>.json   task status (with its generation)
 *   <dir>/status/<encoded connector>/topics.json      KIP-558 active topics
 *   <dir>/status/<encoded connector>/task-configs-request.json   the connector task's latest request
 *
 * Each write is atomic (`writeFileAtomic`); read-check-write sequences (task generation fencing, topic set
 * union) hold `withFileLock` on the record's file, which excludes other processes too.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { StatusRecord, StatusStore, TaskConfigsRequest, TaskStatus, TaskStatusState } from '../../storage/ports';
import { encodeFileName, readFileIfExists, removeFile, withFileLock, writeFileAtomic } from './atomic-file';
import {
  connectorStatusSchema,
  parseStored,
  taskConfigsRequestSchema,
  taskStatusSchema,
  toStatusRecord,
} from '../../storage/store-schemas';

const topicsSchema = z.array(z.string());
const TASK_FILE = /^task-(\d+)\.json$/;

export class FileStatusStore implements StatusStore {
  private readonly statusDir: string;

  constructor(dir: string) {
    this.statusDir = path.join(dir, 'status');
  }

  private dirOf(name: string): string {
    return path.join(this.statusDir, encodeFileName(name));
  }

  private connectorFile(name: string): string {
    return path.join(this.dirOf(name), 'connector.json');
  }

  private taskFile(name: string, taskId: number): string {
    return path.join(this.dirOf(name), `task-${taskId}.json`);
  }

  private topicsFile(name: string): string {
    return path.join(this.dirOf(name), 'topics.json');
  }

  /** Atomic write; (re)creates the connector's directory, which deleteConnector may have just removed. */
  private async write(file: string, value: unknown): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify(value));
  }

  private async readTask(file: string, taskId: number): Promise<TaskStatus | undefined> {
    const text = await readFileIfExists(file);
    if (text === undefined) return undefined;
    return { ...toStatusRecord(parseStored(taskStatusSchema, text, file)), id: taskId };
  }

  async getConnector(name: string): Promise<StatusRecord | undefined> {
    const file = this.connectorFile(name);
    const text = await readFileIfExists(file);
    return text === undefined ? undefined : toStatusRecord(parseStored(connectorStatusSchema, text, file));
  }

  async putConnector(name: string, status: StatusRecord): Promise<void> {
    await this.write(this.connectorFile(name), status);
  }

  async getTask(name: string, taskId: number): Promise<TaskStatus | undefined> {
    return this.readTask(this.taskFile(name, taskId), taskId);
  }

  async listTasks(name: string): Promise<TaskStatus[]> {
    let entries: string[];
    try {
      entries = await fs.readdir(this.dirOf(name));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    const ids = entries.flatMap((entry) => {
      const match = TASK_FILE.exec(entry);
      return match ? [Number(match[1])] : [];
    });
    const tasks = await Promise.all(ids.map((id) => this.getTask(name, id)));
    return tasks.filter((t): t is TaskStatus => t !== undefined).sort((a, b) => a.id - b.id);
  }

  async putTask(name: string, taskId: number, status: StatusRecord<TaskStatusState>): Promise<boolean> {
    const file = this.taskFile(name, taskId);
    await fs.mkdir(path.dirname(file), { recursive: true });
    return withFileLock(file, async () => {
      const stored = await this.readTask(file, taskId);
      if (stored && status.generation < stored.generation) return false; // fenced: a newer generation wrote
      await this.write(file, status);
      return true;
    });
  }

  async deleteTask(name: string, taskId: number): Promise<void> {
    await removeFile(this.taskFile(name, taskId));
  }

  async deleteConnector(name: string): Promise<void> {
    await fs.rm(this.dirOf(name), { recursive: true, force: true });
  }

  async addTopics(name: string, topics: readonly string[]): Promise<void> {
    const file = this.topicsFile(name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await withFileLock(file, async () => {
      const current = await this.getTopics(name);
      const merged = [...new Set([...current, ...topics])].sort();
      if (merged.length !== current.length) await this.write(file, merged);
    });
  }

  async getTopics(name: string): Promise<string[]> {
    const file = this.topicsFile(name);
    const text = await readFileIfExists(file);
    return text === undefined ? [] : parseStored(topicsSchema, text, file);
  }

  async resetTopics(name: string): Promise<void> {
    await removeFile(this.topicsFile(name));
  }

  private requestFile(name: string): string {
    return path.join(this.dirOf(name), 'task-configs-request.json');
  }

  async putTaskConfigsRequest(name: string, request: TaskConfigsRequest): Promise<void> {
    await this.write(this.requestFile(name), request);
  }

  async getTaskConfigsRequest(name: string): Promise<TaskConfigsRequest | undefined> {
    const file = this.requestFile(name);
    const text = await readFileIfExists(file);
    return text === undefined ? undefined : parseStored(taskConfigsRequestSchema, text, file);
  }
}
