/** Files that scripts/setup.mjs produces (same names as its `paths` export), found from the working directory. */
import { dirname, join } from 'node:path';
import { findUp } from '../../lib/adapters/local/kafka-broker';

/** The repository root: the directory holding tools/maven/pom.xml, found upwards from the working directory. */
export function projectRoot(): string {
  const pom = findUp(join('tools', 'maven', 'pom.xml'));
  if (!pom) throw new Error(`run from inside the project: tools/maven/pom.xml not found above ${process.cwd()}`);
  return dirname(dirname(dirname(pom)));
}

export function servicePaths(root = projectRoot()) {
  const maven = join(root, '.cache', 'maven');
  return {
    root,
    setupScript: join(root, 'scripts', 'setup.mjs'),
    kafkaClasspathFile: join(maven, 'kafka.classpath'),
    dynamodbClasspathFile: join(maven, 'dynamodb.classpath'),
    dynamodbNativeDir: join(maven, 'dynamodb-native'),
    venvDir: join(root, '.venv'),
    motoServer: join(root, '.venv', 'bin', 'moto_server'),
  };
}
