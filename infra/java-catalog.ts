/**
 * The concern "answer plug-in questions about Java plug-ins where a JVM is": the catalog Lambda function, a
 * container image of the JVM task-runner image (task-runner/Dockerfile, target jvm-catalog) whose handler
 * (jvm-host's `skc.jvmhost.LambdaCatalog`) runs Apache's code for `GET /connector-plugins`, `…/config`,
 * `PUT …/config/validate` and the task configs of Java connectors. The API and reconciler Lambdas invoke it
 * (`SKC_JAVA_CATALOG_FUNCTION`); nothing else may.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { JavaPluginLayer } from './java-plugins';
import type { LogGroups } from './observability';
import type { PluginDirectory } from './plugin-paths';
import type { TaskCluster } from './task-cluster';
import { containerPluginPath, taskRunnerImageProps } from './task-cluster';

export interface JavaCatalogProps {
  readonly logGroups: LogGroups;
  readonly projectRoot: string;
  readonly pluginDirs: PluginDirectory[];
  readonly javaPlugins: JavaPluginLayer;
  readonly taskCluster: TaskCluster;
  readonly memoryMiB?: number | undefined;
  readonly logLevel: string;
}

export class JavaCatalog {
  public readonly catalogFunction: lambda.DockerImageFunction;

  constructor(scope: Construct, props: JavaCatalogProps) {
    const pluginPath = containerPluginPath(props.pluginDirs, props.javaPlugins);
    this.catalogFunction = new lambda.DockerImageFunction(scope, 'JavaCatalogFunction', {
      description: "Answers Java plug-in list, config, validate and task-config requests with Apache's code",
      // The same build as the tasks' image (one more stage): `cdk synth` stages it, `cdk deploy` builds it.
      code: lambda.DockerImageCode.fromImageAsset(
        props.projectRoot,
        taskRunnerImageProps(props.pluginDirs, props.javaPlugins, 'jvm-catalog'),
      ),
      architecture: lambda.Architecture.ARM_64,
      // CPU grows with memory: the first request of an environment scans plugin.path (seconds of CPU).
      memorySize: props.memoryMiB ?? 2048,
      timeout: Duration.minutes(2),
      // Kafka: Apache's worker config reads the cluster id, and validation may look at topics.
      ...props.taskCluster.lambdaNetwork,
      logGroup: props.logGroups.create('JavaCatalogFunctionLogs'),
      environment: {
        SKC_JAVA_PLUGIN_PATH: pluginPath.join(','),
        ...props.javaPlugins.downloadEnvironment,
        LOG_LEVEL: props.logLevel,
      },
    });
    props.javaPlugins.grantRead(Stack.of(scope), this.catalogFunction.role!, [this.catalogFunction.role!]);
  }
}
