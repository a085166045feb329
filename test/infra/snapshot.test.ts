import { synth } from './synth';

/**
 * Asset hashes change with every source change (Lambda bundles, the Docker build context); masking them keeps the
 * snapshot about the infrastructure, so it changes only when a resource or a property does.
 */
export function maskVolatile(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '[ASSET_HASH]'));
}

describe('template snapshot', () => {
  it('matches, with asset hashes masked', () => {
    expect(maskVolatile(synth().template.toJSON())).toMatchSnapshot();
  });

  it('masks asset hashes only', () => {
    const masked = JSON.stringify(maskVolatile(synth().template.toJSON()));
    expect(masked).toContain('[ASSET_HASH].zip');
    expect(masked).toContain('container-assets-${AWS::AccountId}-${AWS::Region}:[ASSET_HASH]');
    expect(masked).not.toMatch(/[0-9a-f]{64}/);
  });
});
