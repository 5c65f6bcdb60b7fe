/**
 * The broker's configuration: KRaft combined mode on loopback with five listeners (PLAINTEXT,
 * CONTROLLER, SASL_PLAINTEXT, SSL, SASL_SSL), SCRAM/PLAIN users, and the standard authorizer so tests
 * can meet a real "not authorized". Pure: returns file contents. Facts: ../shared/docs/local-kafka.md.
 */
import { join } from 'node:path';
import { LOCAL_KAFKA } from './paths.ts';
import { STORE_PASSWORD } from './tls.ts';

const listenerNames = ['sasl_plaintext', 'sasl_ssl'];

function saslLines(): string[] {
  const plainUsers = Object.entries(LOCAL_KAFKA.users)
    .map(([user, password]) => `user_${user}="${password}"`)
    .join(' ');
  return listenerNames.flatMap((l) => [
    `listener.name.${l}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `listener.name.${l}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `listener.name.${l}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${LOCAL_KAFKA.users.admin}" ${plainUsers};`,
  ]);
}

export function serverProperties(dataDir: string, tlsDir: string): string {
  const p = LOCAL_KAFKA.ports;
  const advertised = [
    `PLAINTEXT://127.0.0.1:${p.plaintext}`,
    `SASL_PLAINTEXT://127.0.0.1:${p.saslPlaintext}`,
    `SSL://127.0.0.1:${p.ssl}`,
    `SASL_SSL://127.0.0.1:${p.saslSsl}`,
  ];
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${p.controller}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listeners=${[advertised[0], `CONTROLLER://127.0.0.1:${p.controller}`, ...advertised.slice(1)].join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    // Small segments and fast retention checks let tests expire records for real.
    'log.retention.check.interval.ms=5000',
    'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
    ...saslLines(),
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${join(tlsDir, 'server.p12')}`,
    `ssl.keystore.password=${STORE_PASSWORD}`,
    `ssl.key.password=${STORE_PASSWORD}`,
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.location=${join(tlsDir, 'truststore.p12')}`,
    `ssl.truststore.password=${STORE_PASSWORD}`,
    'ssl.client.auth=requested',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=true',
    'super.users=User:ANONYMOUS;User:admin',
  ];
  return `${lines.join('\n')}\n`;
}

/** One --add-scram per user and mechanism, for `StorageTool format`. */
export function scramFormatArgs(): string[] {
  return Object.entries(LOCAL_KAFKA.users).flatMap(([name, password]) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mech) => [
      '--add-scram',
      `${mech}=[name=${name},password=${password}]`,
    ]),
  );
}

export const LOG4J2_PROPERTIES = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
`;

export function pomXml(kafkaVersion: string, log4jVersion: string): string {
  const dep = (g: string, a: string, v: string) =>
    `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.klb</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <dependencies>
    ${dep('org.apache.kafka', 'kafka_2.13', kafkaVersion)}
    ${dep('org.apache.kafka', 'kafka-tools', kafkaVersion)}
    ${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', log4jVersion)}
  </dependencies>
</project>
`;
}
