/** The validators of `org.apache.kafka.connect.transforms.util`, with Apache's messages. */
import { type Validator, invalidValue } from '../connect/config-def';
import { JavaPattern, PatternSyntaxError } from './java-regex';

/** `NonEmptyListValidator`. */
export const NonEmptyListValidator: Validator = {
  ensureValid(name, value) {
    if (value === null || value === undefined || (value as readonly unknown[]).length === 0) {
      throw invalidValue(name, value ?? null, 'Empty list');
    }
  },
  toString: () => 'non-empty list',
};

/** `RegexValidator`: the value must compile as a Java regular expression. */
export const RegexValidator: Validator = {
  ensureValid(name, value) {
    if (value === null || value === undefined) {
      // Pattern.compile(null) fails with this NullPointerException, which the validator reports.
      throw invalidValue(name, null, 'Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null');
    }
    try {
      JavaPattern.compile(value as string);
    } catch (e) {
      const message = e instanceof PatternSyntaxError ? e.message : (e as Error).message;
      throw invalidValue(name, value, `Invalid regex: ${message}`);
    }
  },
  toString: () => 'valid regex',
};
