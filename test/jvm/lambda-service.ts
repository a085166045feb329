/**
 * A small stand-in for the AWS Lambda service on 127.0.0.1, enough to run one function's real runtime client
 * (AWS's `aws-lambda-java-runtime-interface-client`) and call it with the AWS SDK's Lambda client:
 *
 * - the Lambda Runtime API the runtime client polls (AWS_LAMBDA_RUNTIME_API, documented at
 *   docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): `GET /2018-06-01/runtime/invocation/next` (held
 *   until an invocation arrives; the event as body, `Lambda-Runtime-Aws-Request-Id`, `-Deadline-Ms`,
 *   `-Invoked-Function-Arn` and `-Trace-Id` headers), `POST …/invocation/{id}/response`, `POST
 *   …/invocation/{id}/error` and `POST /2018-06-01/runtime/init/error`, each answered 202;
 * - the Invoke API the SDK's `InvokeCommand` sends (`POST /2015-03-31/functions/{name}/invocations`,
 *   RequestResponse): 200 with the function's response as body, or with its error object and
 *   `X-Amz-Function-Error: Unhandled` when the runtime reported an invocation error, an init error, or exited.
 *
 * One execution environment, invocations one at a time in arrival order, as Lambda gives a single environment.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Invocation {
  readonly id: string;
  readonly payload: Buffer;
  readonly answer: (body: Buffer, functionError?: string) => void;
}

export interface LambdaStandIn {
  /** host:port, the value of AWS_LAMBDA_RUNTIME_API */
  readonly runtimeApi: string;
  /** http://host:port, the Lambda client's endpoint */
  readonly endpoint: string;
  readonly functionArn: string;
  /** the error objects the runtime posted to `/init/error` and `/invocation/{id}/error`, in order */
  readonly reportedErrors: { readonly path: string; readonly errorType: string | undefined; readonly body: unknown }[];
  /** the runtime process has exited: invocations now fail as Lambda's do (Runtime.ExitError) */
  runtimeExited(description: string): void;
  close(): Promise<void>;
}

const RUNTIME = '/2018-06-01/runtime';
const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const RESULT = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

export async function startLambdaStandIn(
  functionName: string,
  options: { timeoutMs?: number; region?: string } = {},
): Promise<LambdaStandIn> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const functionArn = `arn:aws:lambda:${options.region ?? 'us-east-1'}:123456789012:function:${functionName}`;
  const queued: Invocation[] = [];
  const inFlight = new Map<string, Invocation>();
  const pollers: ServerResponse[] = [];
  const reportedErrors: LambdaStandIn['reportedErrors'][number][] = [];
  // Once set (an init error, an exited runtime), every invocation fails with this error object.
  let broken: Buffer | undefined;

  const deliver = (): void => {
    while (queued.length > 0 && pollers.length > 0) {
      const invocation = queued.shift()!;
      const poller = pollers.shift()!;
      inFlight.set(invocation.id, invocation);
      poller.writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': invocation.id,
        'lambda-runtime-deadline-ms': String(Date.now() + timeoutMs),
        'lambda-runtime-invoked-function-arn': functionArn,
        'lambda-runtime-trace-id': `Root=1-${Date.now().toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      });
      poller.end(invocation.payload);
    }
  };

  const failAll = (body: Buffer): void => {
    broken = body;
    for (const invocation of [...queued.splice(0), ...inFlight.values()]) invocation.answer(body, 'Unhandled');
    inFlight.clear();
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const invoke = INVOKE.exec(path);
    if (req.method === 'POST' && invoke) {
      const name = decodeURIComponent(invoke[1] ?? '');
      if (name !== functionName && name !== functionArn) {
        json(
          res,
          404,
          { Type: 'User', message: `Function not found: ${name}` },
          {
            'x-amzn-errortype': 'ResourceNotFoundException',
          },
        );
        return;
      }
      const answer = (payload: Buffer, functionError?: string): void => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'x-amz-executed-version': '$LATEST',
          ...(functionError ? { 'x-amz-function-error': functionError } : {}),
        });
        res.end(payload);
      };
      if (broken) answer(broken, 'Unhandled');
      else {
        queued.push({ id: randomUUID(), payload: body, answer });
        deliver();
      }
      return;
    }
    if (req.method === 'GET' && path === `${RUNTIME}/invocation/next`) {
      pollers.push(res);
      res.on('close', () => {
        const i = pollers.indexOf(res);
        if (i >= 0) pollers.splice(i, 1);
      });
      deliver();
      return;
    }
    const result = RESULT.exec(path);
    if (req.method === 'POST' && result) {
      const invocation = inFlight.get(result[1] ?? '');
      if (!invocation) {
        json(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
        return;
      }
      inFlight.delete(invocation.id);
      if (result[2] === 'error') {
        reportedErrors.push({ path, errorType: header(req, 'lambda-runtime-function-error-type'), body: parse(body) });
        invocation.answer(body, 'Unhandled');
      } else invocation.answer(body);
      json(res, 202, { status: 'OK' });
      return;
    }
    if (req.method === 'POST' && path === `${RUNTIME}/init/error`) {
      reportedErrors.push({ path, errorType: header(req, 'lambda-runtime-function-error-type'), body: parse(body) });
      failAll(body);
      json(res, 202, { status: 'OK' });
      return;
    }
    json(res, 404, { errorMessage: `No route ${req.method ?? ''} ${path}`, errorType: 'NotFound' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { errorMessage: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    runtimeApi: `127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}`,
    functionArn,
    reportedErrors,
    runtimeExited: (description) => {
      failAll(
        Buffer.from(
          JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${description}` }),
        ),
      );
    },
    close: async () => {
      for (const poller of pollers.splice(0)) poller.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const parse = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return body.toString('utf8');
  }
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
