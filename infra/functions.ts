import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { copyPluginsHooks } from './plugin-paths';
import type { PluginDirectory } from './plugin-paths';

/** How every Lambda of the construct is bundled and run: one place for the API, reconciler and task-events concerns. */
export class FunctionBundling {
  /** `SKC_PLUGIN_PATH` of the Lambdas that instantiate connectors: the plug-ins copied into the bundle. */
  public readonly pluginEnv: Record<string, string>;
  /** Stack traces (logs, FAILED task traces) point at TypeScript lines of the bundled source maps. */
  public readonly sourceMaps: Record<string, string> = { NODE_OPTIONS: '--enable-source-maps' };

  constructor(
    private readonly projectRoot: string,
    private readonly pluginDirs: PluginDirectory[],
  ) {
    this.pluginEnv =
      pluginDirs.length > 0 ? { SKC_PLUGIN_PATH: pluginDirs.map((_, i) => `/var/task/plugins/${i}`).join(',') } : {};
  }

  /**
   * Props of a Node.js Lambda of `entry` (relative to the project root). Plug-ins go to the Lambdas that instantiate
   * connectors (validation, task configs), not to task-events.
   */
  props(entry: string, withPlugins = true): lambdaNodejs.NodejsFunctionProps {
    return {
      entry: join(this.projectRoot, entry),
      projectRoot: this.projectRoot,
      depsLockFilePath: join(this.projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'handler',
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        // @platformatic/kafka (`skc.kafka.client=platformatic`, loaded only when selected) is ESM and reads
        // `import.meta.url`: in a CommonJS bundle that is the bundle's own URL, and its WebAssembly helpers come
        // inlined, as scripts/build.mjs does for the task-runner.
        banner: 'var __skc_import_meta_url = require("url").pathToFileURL(__filename).href;',
        define: { 'import.meta.url': '__skc_import_meta_url' },
        esbuildArgs: { '--alias:@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
        ...(withPlugins && this.pluginDirs.length > 0 ? { commandHooks: copyPluginsHooks(this.pluginDirs) } : {}),
      },
    };
  }
}
