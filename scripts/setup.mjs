// Idempotent set-up of everything outside node_modules that the tests, `npm start` and the benchmarks need:
//   - prerequisites: java >= 17, openssl and keytool (with the `kafka` step), mvn (only when Maven has work to
//     do), python3 >= 3.9 with venv (only when the venv has to be made); a missing one fails with the command that
//     installs it;
//   - Maven classpaths (tools/maven/pom.xml) written into .cache/maven/, resolved into the default ~/.m2;
//   - a project-local Python venv (.venv) with moto[server] and schemathesis.
// Each step is skipped when its result is present and was made from the same inputs (pom hash, pinned
// requirements), so a second run touches no network and takes well under a second.
//
// Steps (`only` picks some; default: every step but `broker`, i.e. what the tests need):
//   broker    the Kafka broker alone: all `npm start` needs. No Maven, no Python, no test jars: the jars listed in
//             tools/maven/broker.lock (made from the pom's `broker` profile) are taken from the local Maven
//             repository (~/.m2/repository, or SKC_M2_REPOSITORY) or, when missing there, downloaded from Maven
//             Central (SKC_MAVEN_REPOSITORY_URL for a mirror) and checked against the lock's SHA-256;
//   kafka     the broker plus the test-only Kafka jars (kafka-tools, connect-api/json …: Maven profile `kafka`);
//   dynamodb  DynamoDB Local (Maven profile `dynamodb`);
//   venv      the Python venv (moto, schemathesis, the S3 sink's independent readers);
//   java-plugins, debezium  Java connector plug-ins for the tests (tools/maven/pom.xml profiles) in .cache/maven/plugins/;
//   lambda-ric  AWS's Java runtime interface client (Maven profile `lambda-ric`): the catalog Lambda's entry point,
//             which test/jvm/lambda-runtime-client.test.ts runs as the jvm-catalog image does;
//   jvm-host  the JVM task host (jvm-host/, `mvn -q package`) into .cache/jvm-host/;
//   apache-connect  Apache Kafka Connect 4.3.1 itself (Maven profile `apache-connect`), never by default: only the
//             filestream benchmark runs it, and asks for it (`node scripts/setup.mjs apache-connect`).
//
// Usage: node scripts/setup.mjs [step …]   (also imported by scripts/test.mjs and scripts/services.mjs;
//        `npm start` runs `node scripts/setup.mjs broker` when the broker's classpath is missing)
//        node scripts/setup.mjs --lock-broker   rewrites tools/maven/broker.lock from `mvn -P broker` (after a
//        change of the pom's broker profile; test/setup/broker-lock.test.ts checks the two agree)
import { spawn, spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Python packages of the venv. Pinned: these versions install on Python 3.9 … 3.13. */
export const PYTHON_REQUIREMENTS = [
  'moto[server]==5.2.5',
  'schemathesis==4.32.5',
  'pyarrow==26.0.1',
  'fastavro==1.13.1',
  'cramjam==2.14.0',
];

const cacheDir = join(root, '.cache');
const mavenCacheDir = join(cacheDir, 'maven');
const venvDir = join(root, '.venv');
const pomFile = join(root, 'tools', 'maven', 'pom.xml');

/** Where everything lands; test/services and the local stack read the same paths. */
export const paths = {
  root,
  cacheDir,
  pomFile,
  mavenCacheDir,
  /** Kafka broker 4.3.1 + log4j2 binding + kafka-tools + connect-api/connect-json, one `:`-separated line. */
  kafkaClasspathFile: join(mavenCacheDir, 'kafka.classpath'),
  /** Kafka broker 4.3.1 + log4j2 binding only (what `npm start` runs), one `:`-separated line. */
  brokerClasspathFile: join(mavenCacheDir, 'broker.classpath'),
  /** DynamoDB Local and its dependencies, one `:`-separated line. */
  dynamodbClasspathFile: join(mavenCacheDir, 'dynamodb.classpath'),
  /** sqlite4java's native library, for -Djava.library.path. */
  dynamodbNativeDir: join(mavenCacheDir, 'dynamodb-native'),
  /** AWS's Java runtime interface client and the jars the jvm-catalog image keeps beside it, one line. */
  lambdaRicClasspathFile: join(mavenCacheDir, 'lambda-ric.classpath'),
  /** Apache Kafka Connect 4.3.1 (connect-runtime + connect-file + log4j2), for the benchmarks only. */
  apacheConnectClasspathFile: join(mavenCacheDir, 'apache-connect.classpath'),
  venvDir,
  python: join(venvDir, 'bin', 'python'),
  motoServer: join(venvDir, 'bin', 'moto_server'),
  schemathesis: join(venvDir, 'bin', 'st'),
  /** Java plug-ins of the tests, one plugin.path entry per subdirectory (connect-file, connect-mirror, Debezium). */
  javaPluginsDir: join(mavenCacheDir, 'plugins'),
  /** The JVM task host: its jar and its runtime classpath (lib/adapters/jvm reads the same paths). */
  jvmHostDir: join(cacheDir, 'jvm-host'),
  jvmHostJar: join(cacheDir, 'jvm-host', 'target', 'jvm-host.jar'),
  jvmHostClasspathFile: join(cacheDir, 'jvm-host', 'host.classpath'),
  /** Its AppCDS archive (docs/java-plugins.md, "Start time"), from the committed class list. */
  jvmHostCdsArchive: join(cacheDir, 'jvm-host', 'host.jsa'),
  jvmHostClassList: join(root, 'jvm-host', 'src', 'cds', 'classes.txt'),
};

const MAVEN_PROFILES = [
  { profile: 'kafka', outputs: [paths.kafkaClasspathFile] },
  { profile: 'dynamodb', outputs: [paths.dynamodbClasspathFile, paths.dynamodbNativeDir] },
  // Plug-in profiles copy jars: their outputs are directories, checked for presence only.
  {
    profile: 'java-plugins',
    outputs: [join(paths.javaPluginsDir, 'connect-file'), join(paths.javaPluginsDir, 'connect-mirror')],
    dirs: true,
  },
  { profile: 'debezium', outputs: [join(paths.javaPluginsDir, 'debezium-connector-postgres')], dirs: true },
  { profile: 'lambda-ric', outputs: [paths.lambdaRicClasspathFile] },
  { profile: 'apache-connect', outputs: [paths.apacheConnectClasspathFile] },
];

/**
 * Every step; `broker` is left out of the default (the tests' `kafka` classpath has the broker too), and so is
 * `apache-connect` (benchmarks only: a fresh machine and CI never download it).
 */
export const STEPS = [
  'broker',
  'kafka',
  'dynamodb',
  'venv',
  'java-plugins',
  'debezium',
  'lambda-ric',
  'jvm-host',
  'apache-connect',
];
const DEFAULT_STEPS = ['kafka', 'dynamodb', 'venv', 'java-plugins', 'debezium', 'lambda-ric', 'jvm-host'];

const INSTALL_HINTS = {
  java: 'install a JDK or JRE 17+, e.g. `apt-get install -y openjdk-17-jre-headless` (or set JAVA_HOME)',
  mvn: 'install Maven 3.6+, e.g. `apt-get install -y maven`',
  python3: 'install Python 3.9+ with venv, e.g. `apt-get install -y python3 python3-venv` (or set PYTHON)',
  openssl: 'install OpenSSL, e.g. `apt-get install -y openssl`',
  keytool: 'install a JDK or JRE 17+ that has keytool, e.g. `apt-get install -y openjdk-17-jre-headless`',
};

export class SetupError extends Error {}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** The java binary the services run: $JAVA_HOME/bin/java when set, else `java` on PATH. */
export function javaBin() {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  return 'java';
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, ...options });
}

function checkJava() {
  const result = run(javaBin(), ['-version']);
  if (result.error || result.status !== 0) return `java: not found (${javaBin()}); ${INSTALL_HINTS.java}`;
  const text = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  let major = match ? Number(match[1]) : NaN;
  if (major === 1 && match?.[2]) major = Number(match[2]); // "1.8.0_…"
  if (!(major >= 17)) return `java: version 17+ needed, found ${match ? match[0] : text.trim()}; ${INSTALL_HINTS.java}`;
  return null;
}

/**
 * The secure-listener broker of the Kafka clients' security tests (test/services/secure-kafka.ts) makes its CA,
 * certificates and stores at test time with `openssl` and the JDK's `keytool` (beside java): nothing is committed.
 */
function checkTlsTools() {
  const problems = [];
  if (run('openssl', ['version']).status !== 0) problems.push(`openssl: not found; ${INSTALL_HINTS.openssl}`);
  const java = javaBin();
  const keytool = java === 'java' ? 'keytool' : join(dirname(java), 'keytool');
  if (run(keytool, ['-help']).status !== 0) problems.push(`keytool: not found (${keytool}); ${INSTALL_HINTS.keytool}`);
  return problems.join('\n  - ') || null;
}

function checkMaven() {
  const result = run('mvn', ['-v', '-B']);
  if (result.error || result.status !== 0) return `mvn: not found; ${INSTALL_HINTS.mvn}`;
  return null;
}

function pythonBin() {
  return process.env.PYTHON || 'python3';
}

function checkPython() {
  const result = run(pythonBin(), ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); import venv, ensurepip']);
  if (result.error) return `python3: not found (${pythonBin()}); ${INSTALL_HINTS.python3}`;
  const version = result.stdout.trim().split('\n')[0] ?? '';
  const [major, minor] = version.split('.').map(Number);
  if (!(major === 3 && minor >= 9))
    return `python3: version 3.9+ needed, found ${version || '?'}; ${INSTALL_HINTS.python3}`;
  if (result.status !== 0)
    return `python3 ${version}: the venv module (ensurepip) is missing; ${INSTALL_HINTS.python3}`;
  return null;
}

// ---------------------------------------------------------------------------------------------------------- Maven

function mavenStampFile(profile) {
  return join(mavenCacheDir, `${profile}.sha256`);
}

function mavenInputsHash(profile) {
  return sha256(`${profile}\n${readFileSync(pomFile, 'utf8')}`);
}

/** True when the profile's outputs exist, were made from this pom, and every jar they name is still in ~/.m2. */
function mavenUpToDate({ profile, outputs, dirs }) {
  if (!outputs.every((p) => existsSync(p))) return false;
  const stamp = mavenStampFile(profile);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== mavenInputsHash(profile)) return false;
  if (dirs) return outputs.every((dir) => readdirSync(dir).some((name) => name.endsWith('.jar')));
  const classpath = readFileSync(outputs[0], 'utf8').trim();
  return classpath.length > 0 && classpath.split(':').every((jar) => existsSync(jar));
}

function spawnCollect(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

async function resolveMaven(profile) {
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', pomFile, `-P${profile}`, `-Dskc.cacheDir=${mavenCacheDir}`];
  const { code, output } = await spawnCollect('mvn', [...args, 'validate'], { cwd: root });
  if (code !== 0) {
    throw new SetupError(`mvn -P${profile} failed (exit ${code}):\n${output.replace(ANSI_COLOUR, '')}`);
  }
  writeFileSync(mavenStampFile(profile), `${mavenInputsHash(profile)}\n`);
}

// --------------------------------------------------------------------------------------------------------- broker

/** `<path in a Maven repository> <sha256>` per jar of the broker's classpath, in Maven's order. */
export const brokerLockFile = join(root, 'tools', 'maven', 'broker.lock');
const m2Repository = () => process.env.SKC_M2_REPOSITORY || join(homedir(), '.m2', 'repository');
const mavenRepositoryUrl = () =>
  (process.env.SKC_MAVEN_REPOSITORY_URL || 'https://repo.maven.apache.org/maven2').replace(/\/$/, '');
const brokerStampFile = join(mavenCacheDir, 'broker.sha256');

function readBrokerLock() {
  const text = readFileSync(brokerLockFile, 'utf8');
  const jars = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [path, sha] = line.split(/\s+/);
      return { path, sha, file: join(m2Repository(), ...path.split('/')) };
    });
  return { text, jars };
}

function brokerUpToDate() {
  if (!existsSync(paths.brokerClasspathFile) || !existsSync(brokerStampFile)) return false;
  const { text } = readBrokerLock();
  if (readFileSync(brokerStampFile, 'utf8').trim() !== sha256(`${m2Repository()}\n${text}`)) return false;
  return readFileSync(paths.brokerClasspathFile, 'utf8')
    .trim()
    .split(':')
    .every((jar) => existsSync(jar));
}

async function download({ path, sha, file }) {
  const url = `${mavenRepositoryUrl()}/${path}`;
  const response = await fetch(url);
  if (!response.ok) throw new SetupError(`GET ${url}: HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== sha) throw new SetupError(`${url}: SHA-256 ${actual}, tools/maven/broker.lock says ${sha}`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.skc-${process.pid}.part`;
  writeFileSync(partial, body);
  renameSync(partial, file); // atomic: a concurrent Maven or setup never sees half a jar
}

/** The broker's classpath from the lock: jars already in the Maven repository as they are, the others fetched. */
async function ensureBroker(log) {
  const { text, jars } = readBrokerLock();
  const missing = jars.filter((jar) => !existsSync(jar.file));
  if (missing.length > 0) log(`broker: downloading ${missing.length} jar(s) from ${mavenRepositoryUrl()} …`);
  for (let i = 0; i < missing.length; i += 6) await Promise.all(missing.slice(i, i + 6).map(download));
  mkdirSync(mavenCacheDir, { recursive: true });
  writeFileSync(paths.brokerClasspathFile, `${jars.map((jar) => jar.file).join(':')}\n`);
  writeFileSync(brokerStampFile, `${sha256(`${m2Repository()}\n${text}`)}\n`);
  return missing.length;
}

/** Rewrites tools/maven/broker.lock from Maven's resolution of the pom's `broker` profile. */
export async function lockBroker() {
  const outputDir = join(mavenCacheDir, 'lock');
  mkdirSync(outputDir, { recursive: true });
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', pomFile, '-Pbroker', `-Dskc.cacheDir=${outputDir}`];
  const { code, output } = await spawnCollect('mvn', [...args, 'validate'], { cwd: root });
  if (code !== 0) throw new SetupError(`mvn -Pbroker failed (exit ${code}):\n${output.replace(ANSI_COLOUR, '')}`);
  const classpath = readFileSync(join(outputDir, 'broker.classpath'), 'utf8').trim().split(':');
  rmSync(outputDir, { recursive: true, force: true });
  const lines = classpath.map((jar) => {
    const path = relative(m2Repository(), jar).split(sep).join('/');
    if (path.startsWith('..')) throw new SetupError(`${jar} is outside ${m2Repository()} (set SKC_M2_REPOSITORY)`);
    return `${path} ${createHash('sha256').update(readFileSync(jar)).digest('hex')}`;
  });
  const header = [
    "# The Kafka broker of `npm start`: Maven's resolution of tools/maven/pom.xml -P broker, as paths in a Maven",
    '# repository and their SHA-256. Written by `node scripts/setup.mjs --lock-broker`; read by its `broker` step.',
  ];
  writeFileSync(brokerLockFile, `${[...header, ...lines].join('\n')}\n`);
  return lines.length;
}

// ------------------------------------------------------------------------------------------------------ JVM host

const jvmHostSourceDir = join(root, 'jvm-host');
const jvmHostStampFile = join(paths.jvmHostDir, 'build.sha256');

/** Hash of everything `mvn package` reads: the pom and every source and resource file. */
function jvmHostInputsHash() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(jvmHostSourceDir, 'src'));
  const hash = createHash('sha256').update(readFileSync(join(jvmHostSourceDir, 'pom.xml')));
  for (const file of files) hash.update(`\n${file.slice(root.length)}\n`).update(readFileSync(file));
  return hash.digest('hex');
}

function jvmHostUpToDate() {
  if (!existsSync(paths.jvmHostJar) || !existsSync(paths.jvmHostClasspathFile) || !existsSync(jvmHostStampFile)) {
    return false;
  }
  if (readFileSync(jvmHostStampFile, 'utf8').trim() !== jvmHostInputsHash()) return false;
  return readFileSync(paths.jvmHostClasspathFile, 'utf8')
    .trim()
    .split(':')
    .every((jar) => existsSync(jar));
}

async function buildJvmHost() {
  const pom = join(jvmHostSourceDir, 'pom.xml');
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', pom, `-Dskc.cacheDir=${paths.jvmHostDir}`, 'package'];
  const { code, output } = await spawnCollect('mvn', args, { cwd: root });
  if (code !== 0)
    throw new SetupError(`mvn package (jvm-host) failed (exit ${code}):\n${output.replace(ANSI_COLOUR, '')}`);
  await dumpJvmHostCdsArchive();
  writeFileSync(jvmHostStampFile, `${jvmHostInputsHash()}\n`);
}

/**
 * The host's AppCDS archive: the classes of jvm-host/src/cds/classes.txt (the JDK's, Apache's runtime and the
 * host's, as a task host and a catalog load them; `BENCH_JVM_CLASS_LIST_OUT` of `npm run bench -- jvm-host`
 * refreshes it) dumped for exactly the host's class path, which lib/adapters/jvm starts the JVMs with. Written
 * aside and renamed, so a JVM starting meanwhile sees none or the whole new one. Not fatal: without it (or with an
 * archive the JVM rejects) the hosts start as before, only slower.
 */
async function dumpJvmHostCdsArchive() {
  const classpath = `${paths.jvmHostJar}:${readFileSync(paths.jvmHostClasspathFile, 'utf8').trim()}`;
  const partial = `${paths.jvmHostCdsArchive}.partial`;
  rmSync(paths.jvmHostCdsArchive, { force: true });
  const { code, output } = await spawnCollect(
    javaBin(),
    [
      '-Xlog:disable',
      '-Xlog:all=error:stderr',
      '-Xshare:dump',
      `-XX:SharedClassListFile=${paths.jvmHostClassList}`,
      `-XX:SharedArchiveFile=${partial}`,
      '-cp',
      classpath,
    ],
    { cwd: root },
  );
  if (code === 0 && existsSync(partial)) renameSync(partial, paths.jvmHostCdsArchive);
  else {
    rmSync(partial, { force: true });
    console.warn(`[setup] jvm-host: no AppCDS archive (java -Xshare:dump exit ${code}): ${output.trim()}`);
  }
}

// ----------------------------------------------------------------------------------------------------------- venv

const venvStampFile = join(venvDir, '.skc-requirements');
const requirementsText = `${PYTHON_REQUIREMENTS.join('\n')}\n`;

function venvState() {
  if (!existsSync(paths.python)) return 'missing';
  const probe = run(paths.python, ['-c', '']);
  if (probe.error || probe.status !== 0) return 'broken';
  if (!existsSync(venvStampFile) || readFileSync(venvStampFile, 'utf8') !== requirementsText) return 'stale';
  if (!existsSync(paths.motoServer)) return 'stale';
  return 'ok';
}

async function ensureVenv(state) {
  if (state !== 'stale') {
    rmSync(venvDir, { recursive: true, force: true });
    const made = await spawnCollect(pythonBin(), ['-m', 'venv', venvDir], { cwd: root });
    if (made.code !== 0) throw new SetupError(`${pythonBin()} -m venv .venv failed:\n${made.output}`);
  }
  const pipArgs = ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...PYTHON_REQUIREMENTS];
  const pip = await spawnCollect(paths.python, pipArgs, { cwd: root });
  if (pip.code !== 0) throw new SetupError(`pip install ${PYTHON_REQUIREMENTS.join(' ')} failed:\n${pip.output}`);
  writeFileSync(venvStampFile, requirementsText);
}

// ---------------------------------------------------------------------------------------------------------- setup

/**
 * Brings the machine to the state the tests need, or only the steps named in `only` (see STEPS). Resolves to a
 * list of what was done; throws SetupError (with the install command) when a prerequisite is missing, and only
 * checks the prerequisites of the steps asked for (no Python unless `venv`, no Maven unless a classpath is stale).
 */
export async function setup({ log = (line) => console.log(`[setup] ${line}`), only = DEFAULT_STEPS } = {}) {
  const started = Date.now();
  const unknown = only.filter((step) => !STEPS.includes(step));
  if (unknown.length > 0) throw new SetupError(`unknown step(s) ${unknown.join(', ')}; steps: ${STEPS.join(', ')}`);
  const staleProfiles = MAVEN_PROFILES.filter((p) => only.includes(p.profile) && !mavenUpToDate(p));
  const venv = only.includes('venv') ? venvState() : 'ok';
  const broker = only.includes('broker') && !brokerUpToDate();
  const jvmHostStale = only.includes('jvm-host') && !jvmHostUpToDate();

  const problems = [checkJava()];
  if (only.includes('kafka')) problems.push(checkTlsTools());
  if (staleProfiles.length > 0 || jvmHostStale) problems.push(checkMaven());
  if (venv !== 'ok') problems.push(checkPython());
  const missing = problems.filter(Boolean);
  if (missing.length > 0) {
    throw new SetupError(`missing prerequisites:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  }

  const done = [];
  const maven = (async () => {
    mkdirSync(mavenCacheDir, { recursive: true });
    for (const { profile } of staleProfiles) {
      const t0 = Date.now();
      log(`maven: resolving profile ${profile} (tools/maven/pom.xml) …`);
      await resolveMaven(profile);
      done.push(`maven ${profile} classpath resolved in ${seconds(Date.now() - t0)}`);
      log(done.at(-1));
    }
    // After the profiles, not beside them: two Maven runs at once would race on ~/.m2.
    if (jvmHostStale) {
      const t0 = Date.now();
      log('maven: building the JVM task host (jvm-host/pom.xml) …');
      mkdirSync(paths.jvmHostDir, { recursive: true });
      await buildJvmHost();
      done.push(`JVM task host built in ${seconds(Date.now() - t0)}`);
      log(done.at(-1));
    }
  })();
  const python = (async () => {
    if (venv === 'ok') return;
    const t0 = Date.now();
    log(`venv: ${venv === 'stale' ? 'updating' : 'creating'} .venv with ${PYTHON_REQUIREMENTS.join(', ')} …`);
    await ensureVenv(venv);
    done.push(`venv ${venv === 'stale' ? 'updated' : 'created'} in ${seconds(Date.now() - t0)}`);
    log(done.at(-1));
  })();
  const brokerJars = (async () => {
    if (!broker) return;
    const t0 = Date.now();
    const downloaded = await ensureBroker(log);
    done.push(`broker classpath written (${downloaded} jar(s) downloaded) in ${seconds(Date.now() - t0)}`);
    log(done.at(-1));
  })();
  const results = await Promise.allSettled([brokerJars, maven, python]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;

  const summary = done.length === 0 ? 'everything up to date' : `${done.length} step(s) done`;
  log(`${summary} in ${seconds(Date.now() - started)}`);
  return done;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const steps = process.argv.slice(2);
    if (steps[0] === '--lock-broker') console.log(`[setup] ${await lockBroker()} jars in tools/maven/broker.lock`);
    else await setup(steps.length > 0 ? { only: steps } : {});
  } catch (error) {
    console.error(`[setup] FAILED: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`);
    process.exit(1);
  }
}
