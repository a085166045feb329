/**
 * Per-connector task roles through the connector-roles Lambda (lambdas/connector-roles): what the reconciler uses
 * in AWS, where it holds no IAM write permission and cannot reach IAM from its VPC. A synchronous invoke per
 * request; a function error (IAM refused, throttled …) becomes an error of the launch, which the next reconcile
 * retries.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { InvokeCommand } from '@aws-sdk/client-lambda';

export class LambdaConnectorTaskRoles {
  /** One request per connector at a time: a connector's tasks launch concurrently. */
  private readonly inFlight = new Map<string, Promise<{ arn: string; createdAt?: number }>>();

  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  roleFor(connector: string): Promise<{ arn: string; createdAt?: number }> {
    let pending = this.inFlight.get(connector);
    if (!pending) {
      pending = this.request(connector).finally(() => this.inFlight.delete(connector));
      this.inFlight.set(connector, pending);
    }
    return pending;
  }

  private async request(connector: string): Promise<{ arn: string; createdAt?: number }> {
    const out = await this.invoke({ op: 'roleFor', connector });
    if (typeof out.arn !== 'string' || out.arn.length === 0) {
      throw new Error(`connector-roles Lambda returned no role for ${connector}`);
    }
    return { arn: out.arn, ...(typeof out.createdAt === 'number' ? { createdAt: out.createdAt } : {}) };
  }

  async remove(connector: string): Promise<void> {
    await this.invoke({ op: 'remove', connector });
  }

  private async invoke(request: { op: string; connector: string }): Promise<{ arn?: unknown; createdAt?: unknown }> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    const body = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) {
      let message = body;
      try {
        message = String((JSON.parse(body) as { errorMessage?: unknown }).errorMessage ?? body);
      } catch {
        // not JSON: keep the raw body
      }
      throw new Error(`connector-roles Lambda failed (${request.op} ${request.connector}): ${message}`);
    }
    return (body ? JSON.parse(body) : {}) as { arn?: unknown; createdAt?: unknown };
  }
}
