import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_JARS, JAVA_LIB_DIR } from '../../interop/harness/java-build.js';
import { repoRoot } from '../../interop/harness/paths.js';

const run = promisify(execFile);

/**
 * Compiles test/crash/java/*.java against Debian's ActiveMQ client jars (the same jar list as the interop
 * harness) into test/.work/crash/classes-<hash>, reused while the sources are unchanged. Returns the
 * classpath for `java -cp`.
 */
export async function crashClientClasspath(): Promise<string> {
  const jars = CLIENT_JARS.map((jar) => join(JAVA_LIB_DIR, jar));
  const missing = jars.filter((jar) => !existsSync(jar));
  if (missing.length > 0) {
    throw new Error(`crash tests: missing ${missing.join(', ')}; install Debian's libactivemq-java and libslf4j-java`);
  }
  const sourceDir = join(repoRoot(), 'test', 'crash', 'java');
  const sources = readdirSync(sourceDir)
    .filter((n) => n.endsWith('.java'))
    .sort();
  const hash = createHash('sha256').update(CLIENT_JARS.join(','));
  for (const name of sources) hash.update(name).update(readFileSync(join(sourceDir, name)));
  const root = join(repoRoot(), 'test', '.work', 'crash');
  const classDir = join(root, `classes-${hash.digest('hex').slice(0, 16)}`);
  const classpath = [classDir, ...jars].join(delimiter);
  if (existsSync(join(classDir, '.complete'))) return classpath;
  mkdirSync(root, { recursive: true });
  const staging = `${classDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await run('javac', [
      '-encoding',
      'UTF-8',
      '-d',
      staging,
      '-cp',
      jars.join(delimiter),
      ...sources.map((n) => join(sourceDir, n)),
    ]);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `crash tests: javac failed (a JDK is needed: openjdk-17-jdk-headless):\n${(e as { stderr?: string }).stderr ?? String(e)}`,
    );
  }
  writeFileSync(join(staging, '.complete'), '');
  try {
    renameSync(staging, classDir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // a concurrent run built the same classes
  }
  return classpath;
}
