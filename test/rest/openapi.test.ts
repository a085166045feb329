/** The committed openapi.json is what the route table generates (regenerate with `node scripts/openapi.mjs`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument } from '../../lib/rest/openapi';
import { ROUTES } from '../../lib/rest/routes';

const committedPath = join(__dirname, '..', '..', 'openapi.json');

describe('openapi.json', () => {
  it('is up to date with the route table', () => {
    const expected = `${JSON.stringify(generateOpenApiDocument(), null, 2)}\n`;
    expect(readFileSync(committedPath, 'utf8')).toBe(expected);
  });

  it('documents every route', () => {
    const doc = JSON.parse(readFileSync(committedPath, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
  });
});
