/**
 * The Java plug-in catalog of the AWS Lambdas (docs/java-plugins.md, "AWS"): the API and the reconciler have no
 * JVM, so list / config / validate / task-config requests of Java plug-ins go to the catalog Lambda function of
 * the JVM image (`SKC_JAVA_CATALOG_FUNCTION`, set by the construct's `javaPlugins`). The worker properties travel
 * with each request (the Kafka authentication included: the function reads no secret itself), and the function
 * uses its own image's plugin.path.
 */
import { RemoteJvmCatalog } from '../lib/adapters/jvm/remote-catalog';
import { lambdaCatalogInvoke } from '../lib/adapters/lambda/catalog-function';
import type { JavaPluginCatalog } from '../lib/plugins/java-plugins';
import type { CommonEnv } from './env';
import { kafkaAuthProperties } from './kafka-auth';
import { workerProperties } from './worker-config';

export async function javaCatalogFromEnv(
  env: CommonEnv,
  raw: NodeJS.ProcessEnv = process.env,
): Promise<JavaPluginCatalog | undefined> {
  const functionName = raw.SKC_JAVA_CATALOG_FUNCTION;
  if (!functionName) return undefined;
  const worker = workerProperties(env, await kafkaAuthProperties(env));
  return RemoteJvmCatalog.start(lambdaCatalogInvoke(functionName), worker);
}
