import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServerlessKafkaConnect } from '../../infra/serverless-kafka-connect';
import type { ServerlessKafkaConnectProps } from '../../infra/serverless-kafka-connect';
import { ServerlessKafkaConnectStack } from '../../infra/serverless-kafka-connect-stack';
import type { ServerlessKafkaConnectStackProps } from '../../infra/serverless-kafka-connect-stack';

export const projectRoot = join(__dirname, '..', '..');

/** The feature flags of cdk.json, so tests synthesize exactly what `npx cdk synth` does. */
const cdkJsonContext = (JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: object }).context;

export interface Synthesized {
  readonly app: App;
  readonly stack: ServerlessKafkaConnectStack;
  readonly template: Template;
  readonly annotations: Annotations;
}

export interface SynthOptions {
  /** Bundle the Lambdas with esbuild (slow, and needs the real entry points); otherwise bundling is skipped. */
  readonly bundling?: boolean;
  /** Add the cdk-nag AwsSolutions checks before synthesis. */
  readonly nag?: boolean;
}

function newApp(options: SynthOptions): App {
  return new App({
    context: {
      ...cdkJsonContext,
      // The documented way to skip asset bundling: no stack is listed as needing it.
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

/** The construct dropped into a user's own stack; `make` may create imported resources in that stack. */
export function synthConstruct(
  make: (stack: Stack) => ServerlessKafkaConnectProps,
  options: SynthOptions = {},
): { stack: Stack; connect: ServerlessKafkaConnect; template: Template; annotations: Annotations } {
  const app = newApp(options);
  const stack = new Stack(app, 'UserStack');
  const connect = new ServerlessKafkaConnect(stack, 'Connect', make(stack));
  if (options.nag) Aspects.of(app).add(new AwsSolutionsChecks());
  return { stack, connect, template: Template.fromStack(stack), annotations: Annotations.fromStack(stack) };
}

export function synth(props: Partial<ServerlessKafkaConnectStackProps> = {}, options: SynthOptions = {}): Synthesized {
  const app = newApp(options);
  const stack = new ServerlessKafkaConnectStack(app, 'Skc', {
    kafkaBootstrapServers: 'b-1.example.com:9092,b-2.example.com:9092',
    ...props,
  });
  if (options.nag) Aspects.of(app).add(new AwsSolutionsChecks());
  return { app, stack, template: Template.fromStack(stack), annotations: Annotations.fromStack(stack) };
}

type Json = Record<string, unknown>;

/**
 * The only IAM actions granted on Resource "*", each because AWS offers nothing narrower for it.
 */
export const RESOURCE_STAR_EXCEPTIONS: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'registry login token; the action has no resource type (execution role, added by CDK)',
  'ecs:ListTasks': 'no resource type; scoped by the ecs:cluster condition instead',
  'dynamodb:ListStreams': 'no resource type (added by the DynamoDB stream event source)',
};

export interface Statement {
  readonly policy: string;
  /** Logical ids of the roles the policy is attached to. */
  readonly roles: string[];
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Json;
}

/** Every IAM statement of every identity policy (AWS::IAM::Policy, AWS::IAM::ManagedPolicy, inline role policies). */
export function iamStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  const add = (policy: string, roles: string[], doc: unknown): void => {
    for (const s of ((doc as Json | undefined)?.['Statement'] as Json[] | undefined) ?? []) {
      out.push({ policy, roles, ...(s as Omit<Statement, 'policy' | 'roles'>) });
    }
  };
  for (const [id, r] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const props = r['Properties'] as Json;
    const roles = ((props['Roles'] as Array<{ Ref?: string }> | undefined) ?? []).map((ref) => ref.Ref ?? '');
    add(id, roles, props['PolicyDocument']);
  }
  // Managed policies: the per-connector task roles' shared policy and permissions boundary (roles created at run
  // time by the reconciler, so no role of the template lists them).
  for (const [id, r] of Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))) {
    const props = r['Properties'] as Json;
    const roles = ((props['Roles'] as Array<{ Ref?: string }> | undefined) ?? []).map((ref) => ref.Ref ?? '');
    add(id, roles, props['PolicyDocument']);
  }
  for (const [id, r] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const p of ((r['Properties'] as Json)['Policies'] as Json[] | undefined) ?? []) {
      add(id, [id], p['PolicyDocument']);
    }
  }
  return out;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** The statements that grant `action` (exact action name). */
export function statementsFor(template: Template, action: string): Statement[] {
  return iamStatements(template).filter((s) => actionsOf(s).includes(action));
}

/** The one resource of a type, failing if there are more or none. */
export function onlyResource(template: Template, type: string): { id: string; props: Json; resource: Json } {
  const entries = Object.entries(template.findResources(type));
  if (entries.length !== 1) throw new Error(`expected exactly one ${type}, found ${entries.length}`);
  const [id, resource] = entries[0]!;
  return { id, resource, props: resource['Properties'] as Json };
}

/** Logical id of the construct's child, e.g. `Connect/ReconcilerFunction`. */
export function logicalId(s: Synthesized, path: string): string {
  const child = `Connect/${path}`.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), s.stack);
  const cfn = child.node.defaultChild ?? child;
  return s.stack.getLogicalId(cfn as never);
}
