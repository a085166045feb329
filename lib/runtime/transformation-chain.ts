/**
 * Apache's `TransformationChain` built from a connector config: `transforms=a,b`, `transforms.<a>.type`,
 * `transforms.<a>.predicate` / `.negate` and `predicates.<p>.type`; each plugin is configured with its own keys
 * (prefix stripped). Transformations/predicates are duck-typed (`apply` / `test`), so the SPI types can live
 * elsewhere.
 */
import { ConfigException } from '../connect/errors';
import type { ConnectRecord } from '../connect/records';
import type { PluginRegistry } from '../plugins/registry';

export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure?(props: Readonly<Record<string, string>>): void;
  /** the transformed record, or null to drop it */
  apply(record: R): R | null;
  close?(): void;
}

export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure?(props: Readonly<Record<string, string>>): void;
  test(record: R): boolean;
  close?(): void;
}

interface Stage<R extends ConnectRecord> {
  readonly alias: string;
  readonly transformation: Transformation<R>;
  readonly predicate?: Predicate<R>;
  readonly negate: boolean;
}

const PREDICATES = 'predicates';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const withPrefix = (config: Readonly<Record<string, string>>, prefix: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
};

export class TransformationChain<R extends ConnectRecord = ConnectRecord> {
  constructor(private readonly stages: readonly Stage<R>[] = []) {}

  static fromConfig<R extends ConnectRecord>(
    config: Readonly<Record<string, string>>,
    registry: PluginRegistry,
  ): TransformationChain<R> {
    const predicates = new Map<string, Predicate<R>>();
    for (const alias of list(config[PREDICATES])) {
      const prefix = `predicates.${alias}.`;
      const predicate = registry.newPredicate(config[`${prefix}type`] ?? '') as Predicate<R>;
      predicate.configure?.(withPrefix(config, prefix));
      predicates.set(alias, predicate);
    }
    const stages = list(config.transforms).map((alias): Stage<R> => {
      const prefix = `transforms.${alias}.`;
      const transformation = registry.newTransformation(config[`${prefix}type`] ?? '') as Transformation<R>;
      transformation.configure?.(withPrefix(config, prefix));
      const predicateAlias = config[`${prefix}predicate`];
      const predicate = predicateAlias === undefined ? undefined : predicates.get(predicateAlias);
      // Never run a conditional transformation unconditionally (validation rejects such configs up front).
      if (predicateAlias !== undefined && predicate === undefined) {
        throw new ConfigException(
          `${prefix}predicate`,
          predicateAlias,
          `Unknown configuration '${PREDICATES}.${predicateAlias}.type': predicate alias '${predicateAlias}' is not defined`,
        );
      }
      const negate = (config[`${prefix}negate`] ?? 'false').toLowerCase() === 'true';
      return predicate ? { alias, transformation, predicate, negate } : { alias, transformation, negate };
    });
    return new TransformationChain(stages);
  }

  get isEmpty(): boolean {
    return this.stages.length === 0;
  }

  /** Run every stage; null as soon as one drops the record. */
  apply(record: R): R | null {
    let current: R | null = record;
    for (const stage of this.stages) {
      if (current === null) return null;
      if (stage.predicate && stage.predicate.test(current) === stage.negate) continue;
      current = stage.transformation.apply(current);
    }
    return current;
  }

  close(): void {
    for (const stage of this.stages) {
      stage.transformation.close?.();
      stage.predicate?.close?.();
    }
  }
}
