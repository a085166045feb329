import { ConfigDef } from '../../lib/connect/config-def';
import { validateConnectorConfig } from '../../lib/config/connector-config';
import { compareVersions, rangeContains, rangeToString, versionRequirement } from '../../lib/config/plugin-version';
import { apachePlugins } from './apache-fixture';

// Expected errors are what Apache Kafka Connect 4.3.1 reported for the same values.
const errorsOf = (config: Record<string, string>, key: string): string[] => {
  const infos = validateConnectorConfig({
    connectorDef: new ConfigDef(),
    connectorType: 'sink',
    config: { name: 's', 'connector.class': 'X', topics: 't', ...config },
    plugins: apachePlugins(),
  });
  return infos.configs.find((c) => c.value?.name === key)?.value?.errors ?? [];
};

describe('plugin version requirements (KIP-891)', () => {
  it.each([
    ['9.9', []],
    ['[1.0,2.0)', []],
    ['(,1.0],[1.2,)', []],
    ['[1.0]', []],
    ['', []],
    ['[1.0', ['Unbounded range: [1.0']],
    ['[2.0,1.0]', ['Range defies version ordering: [2.0,1.0]']],
    ['(1.0)', ['Single version must be surrounded by []: (1.0)']],
  ])('connector.plugin.version=%j', (value, errors) => {
    expect(errorsOf({ 'connector.plugin.version': value }, 'connector.plugin.version')).toEqual(errors);
  });

  it('a transformation version must match the installed plugin', () => {
    const base = { transforms: 'f', 'transforms.f.type': 'org.apache.kafka.connect.transforms.Filter' };
    expect(errorsOf({ ...base, 'transforms.f.plugin.version': '1.0' }, 'transforms.f.plugin.version')).toEqual([
      'Plugin org.apache.kafka.connect.transforms.Filter not found that matches the version range [1.0,1.0], available versions: [4.3.1]',
    ]);
    expect(errorsOf({ ...base, 'transforms.f.plugin.version': '[1.0' }, 'transforms.f.plugin.version')).toEqual([
      'Unbounded range: [1.0',
    ]);
    expect(errorsOf({ ...base, 'transforms.f.plugin.version': '[4.0,5.0)' }, 'transforms.f.plugin.version')).toEqual(
      [],
    );
  });

  it('a converter version that is not installed fails on the converter and its version key (Apache 4.3)', () => {
    const config = {
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter.plugin.version': '[1.0,2.0)',
    };
    const message =
      'Plugin org.apache.kafka.connect.storage.StringConverter not found that matches the version range [1.0,2.0), available versions: [4.3.1, 4.3.1]';
    expect(errorsOf(config, 'value.converter')).toEqual([message]);
    expect(errorsOf(config, 'value.converter.plugin.version')).toEqual([message]);
    expect(errorsOf({ ...config, 'value.converter.plugin.version': '4.3.1' }, 'value.converter')).toEqual([]);
  });

  it('Maven ordering and containment', () => {
    expect(compareVersions('1.0', '1')).toBe(0);
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('1.0-rc1', '1.0')).toBe(-1);
    expect(compareVersions('1.0-SNAPSHOT', '1.0-rc1')).toBe(1);
    const range = versionRequirement('(,1.0],[1.2,)')!;
    expect(rangeToString(range)).toBe('(,1.0],[1.2,)');
    expect(['0.9', '1.1', '1.2', '3'].map((v) => rangeContains(range, v))).toEqual([true, false, true, true]);
    expect(versionRequirement('latest')).toBeNull();
    expect(() => versionRequirement('[1.0,2.0),[1.5,3.0)')).toThrow('Ranges overlap: [1.0,2.0),[1.5,3.0)');
    expect(() => versionRequirement('[1.0,2.0),3.0')).toThrow(
      'Only fully-qualified sets allowed in multiple set scenario: [1.0,2.0),3.0',
    );
  });
});
