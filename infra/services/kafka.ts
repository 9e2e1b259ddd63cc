/**
 * Apache Kafka 4.x, one KRaft node acting as broker and controller, from Maven Central jars.
 * Install: `mvn dependency:copy-dependencies` of infra/kafka/pom.xml into .argus/kafka/libs.
 * Start: write server.properties with two free loopback ports, format storage with the storage
 * tool, run `kafka.Kafka`. Startup is tuned for tests (small heap, C1 only, serial GC, no topic
 * auto-creation, no initial rebalance delay). A restart in place keeps ports and data.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '../service.ts';
import { run, which } from '../lib/exec.ts';
import { aptEnsure } from '../lib/apt.ts';
import { argusDir, argusPath, repoRoot } from '../lib/paths.ts';
import { freePorts } from '../lib/ports.ts';
import { portOpen, spawnDaemon, waitReady } from '../lib/process.ts';

const pom = join(repoRoot, 'infra', 'kafka', 'pom.xml');
const log4j = join(repoRoot, 'infra', 'kafka', 'log4j2.properties');
const libs = () => argusPath('kafka', 'libs');
const marker = () => join(libs(), '.installed');
const pomHash = () => createHash('sha256').update(readFileSync(pom)).digest('hex');

/** JVM flags that make a test broker start in a few seconds on a small machine. */
export const KAFKA_JVM_FLAGS = [
  '-Xms128m',
  '-Xmx768m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:-UsePerfData',
  '-Xshare:auto',
  '-Djava.awt.headless=true',
  `-Dlog4j2.configurationFile=${log4j}`,
];

function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Topics are declared by pipelines (partitions, retention...), never created by a typo.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'num.network.threads=2',
    'num.io.threads=4',
    'log.retention.check.interval.ms=60000',
    '',
  ].join('\n');
}

const kafka: ServiceDefinition = {
  name: 'kafka',
  description: 'Apache Kafka 4.1 (KRaft, broker+controller) from Maven Central',
  installed: () => existsSync(marker()) && readFileSync(marker(), 'utf8').trim() === pomHash(),

  async install(ctx) {
    if (!which('java') || !which('mvn'))
      await aptEnsure(['default-jdk-headless', 'maven'], ctx.log, ctx.progress);
    const tmp = argusPath('kafka', `libs.tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    ctx.progress('downloading the Kafka jars from Maven Central (mvn dependency:copy-dependencies)');
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], {
      logTo: ctx.log,
      what: 'kafka install',
    });
    writeFileSync(join(tmp, '.installed'), pomHash() + '\n');
    rmSync(libs(), { recursive: true, force: true });
    renameSync(tmp, libs());
  },

  async start(ctx) {
    const prev = ctx.previous;
    const [port, controllerPort] = prev?.data
      ? [prev.port as number, prev.data.controllerPort as number]
      : await freePorts(2);
    const home = argusDir('kafka');
    const dataDir = join(home, 'data');
    const props = join(home, 'server.properties');
    const cp = `${libs()}/*`;
    if (!prev) {
      rmSync(dataDir, { recursive: true, force: true }); // a fresh start is a fresh cluster
      writeFileSync(props, serverProperties(port, controllerPort, dataDir));
      const clusterId = randomBytes(16).toString('base64url');
      ctx.progress('formatting storage');
      await run(
        'java',
        [...KAFKA_JVM_FLAGS, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props],
        {
          logTo: ctx.log,
          what: 'kafka storage format',
        },
      );
    }
    ctx.progress(prev ? `restarting on port ${port}` : `starting on port ${port}`);
    const daemon = spawnDaemon('java', [...KAFKA_JVM_FLAGS, '-cp', cp, 'kafka.Kafka', props], {
      log: ctx.log,
      cwd: home,
    });
    await waitReady({
      name: 'kafka',
      daemon,
      log: ctx.log,
      port,
      logLine: /Kafka Server started/,
      timeoutMs: 90_000,
    });
    return {
      pid: daemon.pid,
      match: 'kafka.Kafka',
      port,
      endpoint: { brokers: [`127.0.0.1:${port}`] },
      data: { controllerPort, dataDir, properties: props },
    };
  },

  check: async (rec) => portOpen(rec.port as number),
};

export default kafka;
