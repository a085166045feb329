/**
 * The construct's javaPlugins (docs/java-plugins.md, "AWS"): the JVM image target for tasks, the plug-in layer
 * from a local directory or S3 (plugin.path, download environment, S3 reads on exactly those objects), the catalog
 * Lambda function of the JVM image and who may invoke it; cdk-nag clean. Images are staged, not built.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { Annotations, Template } from 'aws-cdk-lib/assertions';
import type { ServerlessKafkaConnectStackProps } from '../../infra/serverless-kafka-connect-stack';
import type { Synthesized } from './synth';
import {
  actionsOf,
  iamStatements,
  onlyResource,
  RESOURCE_STAR_EXCEPTIONS,
  resourcesOf,
  statementsFor,
  synth,
} from './synth';

const DIRECTORY = 'test/infra/fixtures/java-plugins';
const KEYS = { bucket: 'my-plugins', keys: ['debezium-postgres-3.6.1.zip', 'connect/jdbc.jar'] };

const nagFindings = (annotations: Annotations): string[] =>
  [annotations.findError, annotations.findWarning]
    .flatMap((find) => find.call(annotations, '*', Match.stringLikeRegexp('AwsSolutions-.*')))
    .map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);

const suppressionIds = (template: Template): string[] => {
  const ids = Object.values(template.toJSON()['Resources'] as Record<string, Record<string, unknown>>).flatMap((r) => {
    const meta = r['Metadata'] as { cdk_nag?: { rules_to_suppress: Array<{ id: string }> } } | undefined;
    return (meta?.cdk_nag?.rules_to_suppress ?? []).map((s) => s.id);
  });
  return [...new Set(ids)].sort();
};

/** The Docker image assets the synthesized app stages (built only by `cdk deploy`). */
function imageAssets(app: App): Array<{ target?: string; buildArgs?: Record<string, string>; dockerFile?: string }> {
  const outdir = app.synth().directory;
  const manifest = JSON.parse(readFileSync(join(outdir, 'Skc.assets.json'), 'utf8')) as {
    dockerImages: Record<
      string,
      { source: { dockerBuildTarget?: string; dockerBuildArgs?: Record<string, string>; dockerFile?: string } }
    >;
  };
  return Object.values(manifest.dockerImages).map((i) => ({
    ...(i.source.dockerBuildTarget ? { target: i.source.dockerBuildTarget } : {}),
    ...(i.source.dockerBuildArgs ? { buildArgs: i.source.dockerBuildArgs } : {}),
    ...(i.source.dockerFile ? { dockerFile: i.source.dockerFile } : {}),
  }));
}

const containerEnv = (template: Template): Record<string, unknown> => {
  const { props } = onlyResource(template, 'AWS::ECS::TaskDefinition');
  const container = (
    props['ContainerDefinitions'] as Array<{ Environment: Array<{ Name: string; Value: unknown }> }>
  )[0]!;
  return Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
};

// Three syntheses (each stages the Docker build context): the default, a directory with S3 keys, an S3 prefix; every
// one with the cdk-nag checks.
const synthesized = new Map<string, Synthesized>();
const variants: Record<string, Partial<ServerlessKafkaConnectStackProps>> = {
  default: {},
  'directory and S3 keys': { javaPlugins: { directory: DIRECTORY, s3: KEYS } },
  'S3 prefix': { javaPlugins: { s3: { bucket: 'my-plugins', prefix: 'connect/plugins' }, connectorTasks: false } },
};
const synthOf = (name: string): Synthesized => {
  let s = synthesized.get(name);
  if (!s) synthesized.set(name, (s = synth(variants[name]!, { nag: true })));
  return s;
};

describe('javaPlugins', () => {
  it('is off by default: the Node-only image, no catalog function, no plug-in S3 access', () => {
    const { app, template } = synthOf('default');
    expect(imageAssets(app)).toEqual([{ buildArgs: { SKC_PLUGIN_DIRS: '' }, dockerFile: 'task-runner/Dockerfile' }]);
    template.resourceCountIs('AWS::Lambda::Function', 4);
    expect(statementsFor(template, 's3:GetObject')).toEqual([]);
  });

  it('builds the JVM image with the directory baked in and both layers on plugin.path', () => {
    const { app, template } = synthOf('directory and S3 keys');
    const buildArgs = { SKC_PLUGIN_DIRS: '', SKC_JAVA_PLUGIN_DIR: DIRECTORY };
    expect(imageAssets(app)).toEqual(
      expect.arrayContaining([
        { target: 'task-runner-jvm', buildArgs, dockerFile: 'task-runner/Dockerfile' },
        { target: 'jvm-catalog', buildArgs, dockerFile: 'task-runner/Dockerfile' },
      ]),
    );
    const env = containerEnv(template);
    expect(env['SKC_PLUGIN_PATH']).toBe('/app/java-plugins,/tmp/java-plugins');
    expect(env['SKC_PLUGIN_S3_URI']).toBe(
      's3://my-plugins/debezium-postgres-3.6.1.zip,s3://my-plugins/connect/jdbc.jar',
    );
    expect(env['SKC_PLUGIN_S3_DIR']).toBe('/tmp/java-plugins');
    // A JVM beside Node: twice the Node-only defaults.
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
  });

  it('adds the catalog function of the JVM image, which only the API and the reconciler may invoke', () => {
    const { template } = synthOf('directory and S3 keys');
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['arm64'],
      MemorySize: 2048,
      Timeout: 120,
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      Environment: {
        Variables: {
          SKC_JAVA_PLUGIN_PATH: '/app/java-plugins,/tmp/java-plugins',
          SKC_PLUGIN_S3_URI: Match.anyValue(),
          SKC_PLUGIN_S3_DIR: '/tmp/java-plugins',
          LOG_LEVEL: 'INFO',
        },
      },
    });
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, Record<string, unknown>>;
    const catalog = Object.entries(functions).find(
      ([, r]) => (r['Properties'] as { PackageType?: string }).PackageType === 'Image',
    )![0];
    const callers = Object.values(functions)
      .map((r) => r['Properties'] as { Description: string; Environment?: { Variables?: Record<string, unknown> } })
      .filter((p) => p.Environment?.Variables?.['SKC_JAVA_CATALOG_FUNCTION'] !== undefined);
    expect(callers.map((p) => p.Environment?.Variables?.['SKC_JAVA_CATALOG_FUNCTION'])).toEqual([
      { Ref: catalog },
      { Ref: catalog },
    ]);
    const invokes = statementsFor(template, 'lambda:InvokeFunction');
    expect(invokes).toHaveLength(2);
    // The unqualified function only: no `:*` of versions and aliases. (The reconciler's statement also names the
    // connector-roles function, unqualified as well.)
    for (const s of invokes) {
      expect(resourcesOf(s)).toContainEqual({ 'Fn::GetAtt': [catalog, 'Arn'] });
      for (const r of resourcesOf(s)) expect(r).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
  });

  it('runs connector tasks by default (the reconciler’s SKC_JAVA_CONNECTOR_TASKS), polls with connectorTasks: false', () => {
    const withTasks = (name: string) =>
      Object.values(synthOf(name).template.findResources('AWS::Lambda::Function'))
        .map((r) => r['Properties'] as { Environment?: { Variables?: Record<string, unknown> } })
        .filter((p) => p.Environment?.Variables?.['SKC_JAVA_CONNECTOR_TASKS'] !== undefined)
        .map((p) => p.Environment?.Variables?.['SKC_JAVA_CONNECTOR_TASKS']);
    // The reconciler only: the connector task runs from the tasks' definition with the connector's task role.
    expect(withTasks('directory and S3 keys')).toEqual(['true']);
    expect(withTasks('S3 prefix')).toEqual([]);
    expect(withTasks('default')).toEqual([]);
  });

  it('from S3 keys: s3:GetObject on exactly those objects, no listing', () => {
    const { template } = synthOf('directory and S3 keys');
    const gets = statementsFor(template, 's3:GetObject');
    expect(gets).toHaveLength(3); // the connector task roles' shared policy and boundary, and the catalog function's role
    for (const s of gets) {
      expect(actionsOf(s)).toEqual(['s3:GetObject']);
      const arns = resourcesOf(s).map((r) => JSON.stringify(r));
      expect(arns.sort()).toEqual(
        KEYS.keys
          .map((k) =>
            JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::my-plugins/${k}`]] }),
          )
          .sort(),
      );
    }
    expect(statementsFor(template, 's3:ListBucket')).toEqual([]);
  });

  it('from an S3 prefix: GetObject below the prefix, ListBucket only for it', () => {
    const { template } = synthOf('S3 prefix');
    expect(containerEnv(template)['SKC_PLUGIN_S3_URI']).toBe('s3://my-plugins/connect/plugins/');
    const lists = statementsFor(template, 's3:ListBucket');
    expect(lists).toHaveLength(3);
    for (const s of lists) expect(s.Condition).toEqual({ StringLike: { 's3:prefix': ['connect/plugins/*'] } });
    for (const s of statementsFor(template, 's3:GetObject')) {
      expect(JSON.stringify(resourcesOf(s))).toContain(':s3:::my-plugins/connect/plugins/*');
    }
  });

  it('rejects a layer without a source, and an S3 source with both or neither of prefix and keys', () => {
    expect(() => synth({ javaPlugins: {} })).toThrow(/needs a directory, an s3 source, or both/);
    expect(() => synth({ javaPlugins: { s3: { bucket: 'b-1', prefix: 'p', keys: ['k'] } } })).toThrow(
      /exactly one of prefix and keys/,
    );
    expect(() => synth({ javaPlugins: { s3: { bucket: 'b-1', prefix: 'p/*' } } })).toThrow(/without wildcards/);
    expect(() => synth({ javaPlugins: { directory: '../elsewhere' } })).toThrow(/inside/);
  });

  it.each(['directory and S3 keys', 'S3 prefix'])('is cdk-nag clean: %s', (name) => {
    const { annotations, template } = synthOf(name);
    expect(nagFindings(annotations)).toEqual([]);
    const star = iamStatements(template).filter((st) => resourcesOf(st).includes('*'));
    expect(star.flatMap(actionsOf).sort()).toEqual(Object.keys(RESOURCE_STAR_EXCEPTIONS).sort());
  });

  it('adds no suppressed rule to the default deployment’s (directory and S3 keys)', () => {
    expect(suppressionIds(synthOf('directory and S3 keys').template)).toEqual(
      suppressionIds(synthOf('default').template),
    );
  });
});
