// The secured local broker's principals: passwords generated per home and kept in it (0600), the
// SCRAM credentials created at format time (salted, so no password is on a command line), the ACLs
// of the restricted user, and the client config files that let sc-sim and Kafka's tools log in.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import type { KafkaConnection } from '../../config.js';
import { ScSimError } from '../../errors.js';
import { createKafka, connectWithin } from '../client.js';
import { parseProperties } from '../security.js';
import { writePrivateFile } from './instance.js';

// kafkajs is CommonJS and Node's ESM loader cannot see these exports by name.
const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

/** The super user (topics, ACLs, inter-broker traffic). */
export const ADMIN_USER = 'admin';
/** The restricted user: writes and reads the catalog's topics, in sc-sim's own consumer groups. */
export const APP_USER = 'sc-sim-app';
/** The node's own login on its controller listener (PLAIN; SCRAM lives in the metadata it serves). */
export const CONTROLLER_USER = 'controller';

/**
 * Topics and groups the restricted user may use (PREFIXED ACLs). The topics are the whole catalog
 * (domain, projections, analytics, dead letters, heartbeat), not only the domain ones: seed-dev and
 * the other scenarios that simulate the platform's consumers write all of them.
 */
export const APP_TOPIC_PREFIX = 'sc.';
export const APP_GROUP_PREFIX = 'sc-sim-';

export interface Credentials {
  admin: string;
  app: string;
  controller: string;
}

/** Keys of the credentials file, which Kafka reads too (its FileConfigProvider) and sc-sim's clients. */
export const CREDENTIAL_KEYS = {
  admin: 'admin.password',
  app: 'app.password',
  controller: 'controller.password',
} as const;

/** 24 base64url characters: no quote, backslash or semicolon that would break a JAAS line. */
export function generatePassword(random: (size: number) => Buffer = randomBytes): string {
  return random(18).toString('base64url');
}

/** The home's passwords: read from its credentials file, or generated and written there (0600) once. */
export async function ensureCredentials(file: string): Promise<{ credentials: Credentials; created: boolean }> {
  if (existsSync(file)) {
    const props = parseProperties(readFileSync(file, 'utf8'));
    const get = (key: string) => {
      const v = props.get(key);
      if (v === undefined || v === '') {
        throw new ScSimError('E_CONFIG', `${file} has no ${key}`, {
          hint: 'restore the file, or start the secure broker in a new --home',
        });
      }
      return v;
    };
    return {
      credentials: {
        admin: get(CREDENTIAL_KEYS.admin),
        app: get(CREDENTIAL_KEYS.app),
        controller: get(CREDENTIAL_KEYS.controller),
      },
      created: false,
    };
  }
  const credentials: Credentials = {
    admin: generatePassword(),
    app: generatePassword(),
    controller: generatePassword(),
  };
  await writePrivateFile(
    file,
    [
      '# Passwords of the secured local broker (sc-sim kafka up --secure). Kafka reads them from here',
      '# (config.providers=file); keep this file private (mode 0600).',
      `${CREDENTIAL_KEYS.admin}=${credentials.admin}`,
      `${CREDENTIAL_KEYS.app}=${credentials.app}`,
      `${CREDENTIAL_KEYS.controller}=${credentials.controller}`,
      '',
    ].join('\n'),
  );
  return { credentials, created: true };
}

/**
 * A `kafka-storage format --add-scram` argument in its salted form: the command line (visible to
 * `ps` while format runs) holds the salt and the salted password, never the password.
 * SaltedPassword = Hi(password, salt, i) = PBKDF2-HMAC-SHA-<n>(password, salt, i) (RFC 5802).
 */
export function scramFormatArg(
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  user: string,
  password: string,
  iterations = 8192,
  salt: Buffer = randomBytes(24),
): string {
  const [digest, length] = mechanism === 'SCRAM-SHA-512' ? (['sha512', 64] as const) : (['sha256', 32] as const);
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, length, digest);
  return `${mechanism}=[name=${user},iterations=${iterations},salt="${salt.toString('base64')}",saltedpassword="${salted.toString('base64')}"]`;
}

/** The SCRAM users created at format time: admin (SHA-512) and the app user (SHA-512 and SHA-256). */
export function scramUserArgs(credentials: Credentials): string[] {
  return [
    scramFormatArg('SCRAM-SHA-512', ADMIN_USER, credentials.admin),
    scramFormatArg('SCRAM-SHA-512', APP_USER, credentials.app),
    scramFormatArg('SCRAM-SHA-256', APP_USER, credentials.app),
  ].flatMap((a) => ['--add-scram', a]);
}

/**
 * The restricted user's ACLs: WRITE (an idempotent producer needs nothing more, KIP-679) and READ
 * on the catalog's topics, READ and DELETE on sc-sim's consumer groups (verify, consume). Nothing on
 * the cluster: topics are applied by the admin.
 */
export function appUserAcls(user = APP_USER, topicPrefix = APP_TOPIC_PREFIX, groupPrefix = APP_GROUP_PREFIX) {
  const allow = (resourceType: number, resourceName: string, operation: number) => ({
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.PREFIXED,
    principal: `User:${user}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  return [
    allow(AclResourceTypes.TOPIC, topicPrefix, AclOperationTypes.WRITE),
    allow(AclResourceTypes.TOPIC, topicPrefix, AclOperationTypes.READ),
    // Implied by WRITE and READ; stated so that listing the ACLs explains what the user may see.
    allow(AclResourceTypes.TOPIC, topicPrefix, AclOperationTypes.DESCRIBE),
    allow(AclResourceTypes.GROUP, groupPrefix, AclOperationTypes.READ),
    allow(AclResourceTypes.GROUP, groupPrefix, AclOperationTypes.DELETE),
  ];
}

/** Creates the restricted user's ACLs as the admin (creating existing ones again changes nothing). */
export async function applyAppUserAcls(admin: KafkaConnection): Promise<void> {
  const client = createKafka({ ...admin, clientId: 'sc-sim-kafka-acls' }).admin();
  try {
    await connectWithin(admin, { action: 'connect' }, client, () => client.connect());
    await client.createAcls({ acl: appUserAcls() });
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

export interface ClientConfigInput {
  brokers: readonly string[];
  caFile: string;
  user: string;
  password: string;
}

/**
 * A Kafka client properties file for one user (SASL_SSL, SCRAM-SHA-512, the local CA): what
 * `--command-config` and Kafka's own tools read. It holds the password: written 0600.
 */
export function renderClientConfig(c: ClientConfigInput): string {
  return [
    `# sc-sim kafka up --secure: log in as ${c.user}. Holds a password: keep it private (mode 0600).`,
    `#   sc-sim topics apply --command-config <this file>`,
    `#   kafka-topics.sh --bootstrap-server ${c.brokers[0]} --command-config <this file> --list`,
    `bootstrap.servers=${c.brokers.join(',')}`,
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${c.user}" password="${c.password}";`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${c.caFile.replace(/\\/g, '\\\\')}`,
    '',
  ].join('\n');
}

export async function writeClientConfig(file: string, c: ClientConfigInput): Promise<void> {
  await writePrivateFile(file, renderClientConfig(c));
}
