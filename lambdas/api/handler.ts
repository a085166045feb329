/**
 * The API Lambda: Kafka Connect's REST API behind API Gateway (REST v1 or HTTP API v2 proxy integration). The
 * middy chain is composition/api/handler.ts; the adapters are wired once per cold start from the environment
 * (composition/api/composition.ts).
 */
import { composeFromEnv } from '../../composition/api/composition';
import { type ApiHandler, createApiHandler } from '../../composition/api/handler';

export const handler: ApiHandler = createApiHandler(async () => (await composeFromEnv()).api);
