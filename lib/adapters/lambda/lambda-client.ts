/** The one place that builds the Lambda client, so the SDK stays inside this adapter folder. */
import { LambdaClient } from '@aws-sdk/client-lambda';

export const createLambdaClient = (endpoint?: string): LambdaClient => new LambdaClient(endpoint ? { endpoint } : {});
