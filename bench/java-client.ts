/**
 * Builds the Java JMS load generator (bench/java/*.java) against Debian's ActiveMQ client jars in /usr/share/java,
 * once per source version, into a cache directory, and returns the command that runs it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const javaLib = '/usr/share/java';

/** Jars the ActiveMQ 5.17 client needs at run time; each is looked for under /usr/share/java. */
const clientJars = [
  'activemq-client.jar',
  'hawtbuf.jar',
  // The client's statistics classes implement the J2EE management API.
  'geronimo-j2ee-management-1.1-spec.jar',
  'slf4j-api.jar',
  'slf4j-nop.jar',
];

/**
 * The JMS 1.1 API jar: Debian ships it as geronimo-jms_1.1_spec.jar, other distributions as jms.jar or
 * javax.jms-api.jar. ActiveMQ 5.17's client is compiled against javax.jms 1.1, so a JMS 2 jar also works.
 */
export function findJmsApiJar(files: readonly string[]): string | undefined {
  const preferred = [/^geronimo-jms_1\.1_spec\.jar$/, /^geronimo-jms.*\.jar$/, /^javax\.jms-api.*\.jar$/, /^jms\.jar$/];
  for (const re of preferred) {
    const hit = files.find((f) => re.test(f));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

export interface JavaClient {
  /** The program and arguments that start the generator; append `--url` and the workload arguments. */
  command: string;
  args: string[];
  /** The JVM options and class path without a main class, for the other programs in bench/java/ (FloodProducer). */
  jvmArgs: string[];
}

/** Compiles the generator if the cache has no build of the current sources; throws with javac's output if not. */
export function buildJavaClient(repoRoot: string, cacheRoot = join(homedir(), '.cache', 'tidemq-bench')): JavaClient {
  const files = readdirSync(javaLib);
  const jms = findJmsApiJar(files);
  if (jms === undefined) throw new Error(`no JMS API jar in ${javaLib} (install libgeronimo-jms-1.1-spec-java)`);
  const missing = clientJars.filter((j) => !files.includes(j));
  if (missing.length > 0) throw new Error(`missing in ${javaLib}: ${missing.join(', ')} (install libactivemq-java)`);
  const classpath = [jms, ...clientJars].map((j) => join(javaLib, j));

  const srcDir = join(repoRoot, 'bench', 'java');
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith('.java'))
    .sort();
  if (sources.length === 0) throw new Error(`no Java sources in ${srcDir}`);
  const hash = createHash('sha256');
  for (const s of sources) hash.update(s).update(readFileSync(join(srcDir, s)));
  hash.update(classpath.join(':'));
  const out = join(cacheRoot, 'java-' + hash.digest('hex').slice(0, 16));
  if (!existsSync(join(out, 'BenchClient.class'))) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    try {
      execFileSync(
        'javac',
        [
          '-nowarn',
          '-encoding',
          'UTF-8',
          '-cp',
          classpath.join(':'),
          '-d',
          out,
          ...sources.map((s) => join(srcDir, s)),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      rmSync(out, { recursive: true, force: true });
      const err = e as { stderr?: Buffer; message: string };
      throw new Error(`javac failed: ${err.stderr?.toString() || err.message}`);
    }
  }
  // ParallelGC: the throughput collector, fewest background threads; the generator shares 2 cores with the broker.
  const jvmArgs = ['-Xms256m', '-Xmx1g', '-XX:+UseParallelGC', '-cp', [...classpath, out].join(':')];
  return { command: 'java', args: [...jvmArgs, 'BenchClient'], jvmArgs };
}
