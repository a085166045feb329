/**
 * CDK app: `npx cdk synth|deploy -c bootstrapServers=b-1.example:9098 [-c key=value …]` from the repository root.
 * Every context key is listed in docs/deploy.md; nothing here runs in Lambda or in a task.
 */
import { Annotations, App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { stackPropsFromContext } from './context';
import { ServerlessKafkaConnectStack } from './serverless-kafka-connect-stack';

const app = new App();
const { stackName, props, warnings } = stackPropsFromContext(
  (key) => app.node.tryGetContext(key) as unknown,
  process.env,
);
const stack = new ServerlessKafkaConnectStack(app, stackName, props);
for (const w of warnings) Annotations.of(stack).addWarningV2('skc:context', w);

// Lint the synthesized app against the AWS Solutions rules (cdk-nag 2.x registers as an aspect; errors fail synth).
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
if (props.apiAuthorization === 'none') {
  // The construct keeps reporting an unauthenticated API; here the deployer asked for it explicitly.
  const reason = 'The deployer opted out of IAM authorization explicitly with -c apiAuthorization=none.';
  NagSuppressions.addStackSuppressions(stack, [
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
  ]);
}
