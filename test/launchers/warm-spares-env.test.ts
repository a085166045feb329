import { DEFAULT_WARM_SPARES, MAX_WARM_SPARES, warmSparesFromEnv } from '../../composition/local-stack';

describe('SKC_WARM_SPARES / SKC_WARM_SPARE (local stack)', () => {
  it('defaults, counts and turns the warm spares off', () => {
    expect(warmSparesFromEnv({})).toBe(DEFAULT_WARM_SPARES);
    expect(warmSparesFromEnv({ SKC_WARM_SPARE: 'true' })).toBe(DEFAULT_WARM_SPARES);
    expect(warmSparesFromEnv({ SKC_WARM_SPARE: 'false' })).toBe(0);
    expect(warmSparesFromEnv({ SKC_WARM_SPARES: '0' })).toBe(0);
    expect(warmSparesFromEnv({ SKC_WARM_SPARES: '3' })).toBe(3);
    expect(warmSparesFromEnv({ SKC_WARM_SPARES: String(MAX_WARM_SPARES) })).toBe(MAX_WARM_SPARES);
    expect(warmSparesFromEnv({ SKC_WARM_SPARE: 'false', SKC_WARM_SPARES: '0' })).toBe(0);
    expect(warmSparesFromEnv({ SKC_WARM_SPARE: 'true', SKC_WARM_SPARES: '1' })).toBe(1);
  });

  it('rejects what it cannot honour, naming the variable', () => {
    expect(() => warmSparesFromEnv({ SKC_WARM_SPARES: 'two' })).toThrow(
      `SKC_WARM_SPARES must be a whole number from 0 to ${MAX_WARM_SPARES}, not 'two'`,
    );
    expect(() => warmSparesFromEnv({ SKC_WARM_SPARES: '-1' })).toThrow(/^SKC_WARM_SPARES must be/);
    expect(() => warmSparesFromEnv({ SKC_WARM_SPARES: '1.5' })).toThrow(/^SKC_WARM_SPARES must be/);
    expect(() => warmSparesFromEnv({ SKC_WARM_SPARES: String(MAX_WARM_SPARES + 1) })).toThrow(
      /^SKC_WARM_SPARES must be/,
    );
    expect(() => warmSparesFromEnv({ SKC_WARM_SPARE: 'no' })).toThrow("SKC_WARM_SPARE must be true or false, not 'no'");
    expect(() => warmSparesFromEnv({ SKC_WARM_SPARE: 'false', SKC_WARM_SPARES: '2' })).toThrow(
      'SKC_WARM_SPARE=false contradicts SKC_WARM_SPARES=2: set only one',
    );
  });
});
