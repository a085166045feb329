import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { logicalId, synth } from './synth';
import type { Synthesized } from './synth';

const pluginPath = 'test/infra/fixtures/plugins/example';

// One synthesis with real local esbuild bundling of the four real entry points. CDK runs every docker command
// through $CDK_DOCKER: pointing it at `false` makes any Docker use (bundling fallback, image build) fail synth.
let s: Synthesized;
let assemblyDir: string;
const cdkDocker = process.env['CDK_DOCKER'];
beforeAll(() => {
  process.env['CDK_DOCKER'] = 'false';
  try {
    s = synth({ pluginPaths: [pluginPath] }, { bundling: true });
    assemblyDir = s.app.synth().directory;
  } finally {
    if (cdkDocker === undefined) delete process.env['CDK_DOCKER'];
    else process.env['CDK_DOCKER'] = cdkDocker;
  }
});

function functionAssetDir(path: string): string {
  const fn = s.template.findResources('AWS::Lambda::Function')[logicalId(s, path)];
  const key = ((fn?.['Properties'] as { Code: { S3Key: string } }).Code.S3Key ?? '').replace(/\.zip$/, '');
  return join(assemblyDir, `asset.${key}`);
}

function imageAssetDir(): string {
  const json = JSON.stringify(s.template.findResources('AWS::ECS::TaskDefinition'));
  const hash = /container-assets-.*?:([0-9a-f]{64})"/.exec(json)?.[1];
  return join(assemblyDir, `asset.${hash}`);
}

describe('Lambda bundles (local esbuild; synth never calls Docker)', () => {
  it.each(['ApiFunction', 'ReconcilerFunction', 'TaskEventsFunction', 'ConnectorRolesFunction'])(
    'bundles %s to one minified file',
    (fn) => {
      const dir = functionAssetDir(fn);
      const bundle = join(dir, 'index.js');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(join(dir, 'index.js.map'))).toBe(true);
      expect(readFileSync(bundle, 'utf8')).toMatch(/exports|handler/);
      expect(statSync(bundle).size).toBeLessThan(10 * 1024 * 1024);
    },
  );

  it('gives @platformatic/kafka (skc.kafka.client=platformatic) the bundle URL as import.meta.url', () => {
    for (const fn of ['ApiFunction', 'ReconcilerFunction']) {
      const bundle = readFileSync(join(functionAssetDir(fn), 'index.js'), 'utf8');
      expect(bundle.startsWith('var __skc_import_meta_url = require("url").pathToFileURL(__filename).href;')).toBe(
        true,
      );
      expect(bundle).toContain('PLT_KFK_'); // the client's error codes: it is in the bundle
    }
  });

  it('copies plug-in directories into the API and reconciler bundles and points SKC_PLUGIN_PATH there', () => {
    for (const fn of ['ApiFunction', 'ReconcilerFunction']) {
      expect(readdirSync(join(functionAssetDir(fn), 'plugins', '0'))).toEqual(['index.js']);
      const props = s.template.findResources('AWS::Lambda::Function')[logicalId(s, fn)]?.['Properties'] as {
        Environment: { Variables: Record<string, string> };
      };
      expect(props.Environment.Variables['SKC_PLUGIN_PATH']).toBe('/var/task/plugins/0');
    }
    expect(existsSync(join(functionAssetDir('TaskEventsFunction'), 'plugins'))).toBe(false);
  });
});

describe('task-runner image asset', () => {
  it('stages the repository root as Docker build context without building, filtered by .dockerignore', () => {
    const dir = imageAssetDir();
    for (const needed of ['task-runner/Dockerfile', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'lib']) {
      expect(existsSync(join(dir, needed))).toBe(true);
    }
    expect(readdirSync(join(dir, 'test'))).toEqual(['infra']); // only the re-included plug-in fixture
    expect(existsSync(join(dir, pluginPath, 'index.js'))).toBe(true);
    for (const excluded of ['node_modules', '.git', 'test/infra/stack.test.ts', 'cdk.out', 'dist', '.cache']) {
      expect(existsSync(join(dir, excluded))).toBe(false);
    }
  });

  it('is built for linux/arm64 with the plug-in directories as build argument', () => {
    const manifest = JSON.parse(readFileSync(join(assemblyDir, `${s.stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { dockerFile: string; platform: string; dockerBuildArgs: object } }>;
    };
    const [image, ...more] = Object.values(manifest.dockerImages);
    expect(more).toHaveLength(0);
    expect(image?.source).toMatchObject({
      dockerFile: 'task-runner/Dockerfile',
      platform: 'linux/arm64',
      dockerBuildArgs: { SKC_PLUGIN_DIRS: pluginPath },
    });
    s.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([{ Name: 'SKC_PLUGIN_PATH', Value: '/app/plugins/0' }]),
        }),
      ],
    });
  });
});
