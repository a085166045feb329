/**
 * Invokes the catalog Lambda function of the JVM image (jvm-host's `skc.jvmhost.LambdaCatalog`) with one catalog
 * request (lib/adapters/jvm/remote-catalog.ts's `CatalogInvoke`, structurally: adapters do not import each
 * other). A synchronous invocation; the function's reply is the catalog's JSON reply.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { InternalServerError } from '../../errors';
import { createLambdaClient } from './lambda-client';

type Request = Readonly<Record<string, unknown>> & { readonly op: string };

/** `invoke(request)` for RemoteJvmCatalog; an error of the function itself (timeout, crash) rejects. */
export function lambdaCatalogInvoke(
  functionName: string,
  client: LambdaClient = createLambdaClient(),
): (request: Request) => Promise<unknown> {
  return async (request) => {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) {
      // The runtime's error object: {errorMessage, errorType, …}; a timeout or out-of-memory ends up here.
      let message = text;
      try {
        message = String((JSON.parse(text) as { errorMessage?: unknown }).errorMessage ?? text);
      } catch {
        // not JSON: keep the text
      }
      throw new InternalServerError(
        `The Java plug-in catalog function ${functionName} failed on '${request.op}': ${message}`,
      );
    }
    return JSON.parse(text) as unknown;
  };
}
