/** The one place that builds the IAM client, so the SDK stays inside this adapter folder. */
import { IAMClient } from '@aws-sdk/client-iam';

export const createIamClient = (endpoint?: string): IAMClient => new IAMClient(endpoint ? { endpoint } : {});
