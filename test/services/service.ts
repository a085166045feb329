/** What every test service module returns. */
export const SERVICE_NAMES = ['kafka', 'dynamodb', 'moto'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RunningService {
  readonly name: ServiceName;
  /** What clients connect to: `host:port` for Kafka, an http:// URL for the AWS emulators. */
  readonly endpoint: string;
  /** e.g. `kafka 4.3.1`. */
  readonly label: string;
  /** Milliseconds from start to the first successful real request. */
  readonly readyMs: number;
  /** Extra detail for the ready line. */
  readonly note?: string;
  /** Environment variables that hand the endpoint to tests. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
