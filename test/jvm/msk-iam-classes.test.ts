/**
 * kafkaAuth 'msk-iam' for Java plug-ins (docs/java-plugins.md, "AWS"): the worker properties the JVM host gets
 * (composition/kafka-auth.ts) name Amazon MSK's IAM login module and callback handler, which must load from the
 * host's class path (jvm-host/pom.xml: software.amazon.msk:aws-msk-iam-auth). A small Java check
 * (test/fixtures/java-checks/MskIamClientConfig.java) loads them as the host's runtime does: DistributedConfig, then
 * an admin client, a producer and a consumer, each closed before it connects. No MSK and no AWS here: signing and
 * authenticating against a broker are not exercised. Needs no test service.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaAuthProperties } from '../../composition/kafka-auth';
import { projectRoot } from '../services/paths';

const run = promisify(execFile);
const check = join(projectRoot(), 'test', 'fixtures', 'java-checks', 'MskIamClientConfig.java');
// Nothing listens there: every client is closed before it would connect.
const unusedBootstrap = '127.0.0.1:9';

const java = (): string => {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
};

const hostClasspath = (): string[] =>
  readFileSync(join(projectRoot(), '.cache', 'jvm-host', 'host.classpath'), 'utf8')
    .trim()
    .split(':');

async function runCheck(classpath: string[]): Promise<{ ok: boolean; output: string }> {
  const props = await kafkaAuthProperties({ SKC_KAFKA_AUTH: 'msk-iam', SKC_KAFKA_SECRET_ARN: undefined });
  const args = Object.entries(props).map(([key, value]) => `${key}=${value}`);
  try {
    const { stdout } = await run(java(), ['-cp', classpath.join(':'), check, unusedBootstrap, ...args]);
    return { ok: true, output: stdout };
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return { ok: false, output: `${stdout}\n${stderr}` };
  }
}

const isMskIamJar = (jar: string): boolean => /[/\\]aws-msk-iam-auth-[^/\\]+\.jar$/.test(jar);

describe('kafkaAuth msk-iam worker properties on the JVM host', () => {
  it('load the IAM login module and callback handler from the host’s class path', async () => {
    const classpath = hostClasspath();
    const mskJar = classpath.find(isMskIamJar);
    expect(mskJar).toMatch(/aws-msk-iam-auth-2\.4\.0\.jar$/);

    const { ok, output } = await runCheck(classpath);
    expect({ ok, output }).toMatchObject({ ok: true });
    expect(output).toContain('worker callback handler software.amazon.msk.auth.iam.IAMClientCallbackHandler');
    expect(output).toContain('admin client created');
    expect(output).toContain('producer created');
    expect(output).toContain('consumer created');
    expect(output).toContain(`login module from file:${mskJar}`);
  }, 60_000);

  it('fail as Apache does without the aws-msk-iam-auth jar (what the check detects)', async () => {
    const { ok, output } = await runCheck(hostClasspath().filter((jar) => !isMskIamJar(jar)));
    expect(ok).toBe(false);
    expect(output).toContain(
      'Invalid value software.amazon.msk.auth.iam.IAMClientCallbackHandler for configuration ' +
        'sasl.client.callback.handler.class: Class software.amazon.msk.auth.iam.IAMClientCallbackHandler could not be found.',
    );
  }, 60_000);
});
