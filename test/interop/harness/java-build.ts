import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { javaSourceDir, workDir } from './paths.js';

const run = promisify(execFile);

/** Where Debian's libactivemq-java (and its dependencies) put their jars. */
export const JAVA_LIB_DIR = process.env['INTEROP_JAVA_LIB_DIR'] ?? '/usr/share/java';

/**
 * The ActiveMQ 5.17 JMS client and what it needs at run time: the JMS 1.1 API, hawtbuf (OpenWire buffers), the
 * J2EE management API (ActiveMQConnection implements its StatsCapable), slf4j with the simple binding so client
 * warnings reach our stderr.
 */
export const CLIENT_JARS = [
  'activemq-client.jar',
  'geronimo-jms_1.1_spec.jar',
  'hawtbuf.jar',
  'geronimo-j2ee-management-1.1-spec.jar',
  'slf4j-api.jar',
  'slf4j-simple.jar',
] as const;

export interface InteropClasses {
  /** Compiled InteropDriver, the scenarios and ParentWatchdog. */
  readonly classDir: string;
  /** classDir plus the client jars, for `java -cp`. */
  readonly clientClasspath: string;
}

/**
 * Compiles test/interop/java/*.java against the Debian jars into test/.work/interop/classes-<hash>, once per
 * distinct source: the hash covers every source file, the jar list and the javac version, so an unchanged tree
 * reuses the classes of an earlier run. A missing JDK or jar fails with the package to install.
 */
export async function buildInteropClasses(): Promise<InteropClasses> {
  const jars = CLIENT_JARS.map((jar) => join(JAVA_LIB_DIR, jar));
  const missing = jars.filter((jar) => !existsSync(jar));
  if (missing.length > 0) {
    throw new Error(`interop: missing ${missing.join(', ')}; install Debian's libactivemq-java and libslf4j-java`);
  }
  const javacVersion = await toolVersion('javac');
  const sourceDir = javaSourceDir();
  const sources = readdirSync(sourceDir)
    .filter((name) => name.endsWith('.java'))
    .sort();
  if (sources.length === 0) throw new Error(`interop: no Java sources in ${sourceDir}`);

  const hash = createHash('sha256');
  hash.update(`${javacVersion}\n${CLIENT_JARS.join(',')}\n`);
  for (const name of sources) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(sourceDir, name)));
  }
  const root = workDir();
  const id = `classes-${hash.digest('hex').slice(0, 16)}`;
  const classDir = join(root, id);
  const result = { classDir, clientClasspath: [classDir, ...jars].join(delimiter) };
  if (existsSync(join(classDir, '.complete'))) return result;

  mkdirSync(root, { recursive: true });
  // Compile beside the final folder and rename, so a concurrent run never sees half-written classes.
  const staging = `${classDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await run(
      'javac',
      [
        '-encoding',
        'UTF-8',
        '-Xlint:all',
        '-d',
        staging,
        '-cp',
        jars.join(delimiter),
        ...sources.map((name) => join(sourceDir, name)),
      ],
      { maxBuffer: 4 * 1024 * 1024 },
    );
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`interop: javac failed:\n${stderr || String(err)}`);
  }
  writeFileSync(join(staging, '.complete'), `${new Date().toISOString()}\n`);
  try {
    renameSync(staging, classDir);
  } catch {
    // Another run finished the same classes first; theirs are identical.
    rmSync(staging, { recursive: true, force: true });
  }
  pruneStaleBuilds(root, id);
  return result;
}

/** Removes class folders of older sources (kept a while in case a concurrent run still uses one). */
function pruneStaleBuilds(root: string, keep: string): void {
  const cutoff = Date.now() - 10 * 60 * 1000;
  for (const name of readdirSync(root)) {
    if (!name.startsWith('classes-') || name === keep) continue;
    const path = join(root, name);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
}

async function toolVersion(tool: 'javac' | 'java'): Promise<string> {
  try {
    const { stdout, stderr } = await run(tool, ['-version']);
    return `${stdout}${stderr}`.trim();
  } catch (err) {
    throw new Error(
      `interop: \`${tool} -version\` failed (${String(err)}); install a JDK, e.g. openjdk-17-jdk-headless`,
    );
  }
}
