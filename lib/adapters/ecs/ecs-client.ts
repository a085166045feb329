/** The one place that builds the ECS client, so the SDK stays inside this adapter folder. */
import { ECSClient } from '@aws-sdk/client-ecs';

export const createEcsClient = (endpoint?: string): ECSClient => new ECSClient(endpoint ? { endpoint } : {});
