/**
 * Readiness probes that speak the wire protocols directly, so the tool needs no client library and
 * answers in milliseconds. Kafka: a Metadata v4 request (Kafka 4 removed v0–v3, KIP-896); ready means
 * the broker answered with at least one registered broker. Redis: PING → +PONG.
 */
import { Socket } from 'node:net';

function exchange(
  host: string,
  port: number,
  request: Buffer,
  enough: (b: Buffer) => boolean,
  timeoutMs: number,
) {
  return new Promise<Buffer | undefined>((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const done = (value: Buffer | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (enough(received)) done(received);
    });
    socket.connect(port, host, () => socket.write(request));
  });
}

const CLIENT_ID = Buffer.from('klb-probe');

/**
 * One request/response exchange with a broker (request header v1: api key, version, correlation id,
 * client id). Resolves the response after its size and correlation id, or undefined when nothing
 * sensible answered.
 */
async function kafkaRequest(
  host: string,
  port: number,
  api: { key: number; version: number; correlationId: number },
  body: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(api.key, 0);
  header.writeInt16BE(api.version, 2);
  header.writeInt32BE(api.correlationId, 4);
  header.writeInt16BE(CLIENT_ID.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + CLIENT_ID.length + body.length);
  const response = await exchange(
    host,
    port,
    Buffer.concat([size, header, CLIENT_ID, body]),
    (b) => b.length >= 4 && b.length >= 4 + b.readInt32BE(0),
    timeoutMs,
  );
  if (!response || response.length < 8 || response.readInt32BE(4) !== api.correlationId) return undefined;
  return response.subarray(8);
}

/** Number of brokers in a Metadata v4 response (Kafka 4 removed v0–v3), or undefined. */
export async function kafkaBrokerCount(
  host: string,
  port: number,
  timeoutMs = 2000,
): Promise<number | undefined> {
  const body = Buffer.alloc(4 + 1);
  body.writeInt32BE(-1, 0); // topics: null = all
  body.writeInt8(0, 4); // allow_auto_topic_creation
  const response = await kafkaRequest(host, port, { key: 3, version: 4, correlationId: 42 }, body, timeoutMs);
  if (!response || response.length < 8) return undefined;
  return response.readInt32BE(4); // after throttle_time_ms
}

/**
 * Error code of a FindCoordinator v1 request for a consumer group (0 = a coordinator is ready), or
 * undefined when nothing sensible answered. Asking creates __consumer_offsets on a fresh cluster.
 */
export async function kafkaCoordinatorError(
  host: string,
  port: number,
  group = 'klb-probe',
  timeoutMs = 2000,
) {
  const key = Buffer.from(group);
  const body = Buffer.alloc(2 + key.length + 1);
  body.writeInt16BE(key.length, 0);
  key.copy(body, 2);
  body.writeInt8(0, 2 + key.length); // key type: group
  const response = await kafkaRequest(
    host,
    port,
    { key: 10, version: 1, correlationId: 43 },
    body,
    timeoutMs,
  );
  if (!response || response.length < 6) return undefined;
  return response.readInt16BE(4); // after throttle_time_ms
}

export async function redisPing(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const response = await exchange(host, port, Buffer.from('PING\r\n'), (b) => b.includes('\r\n'), timeoutMs);
  return response?.toString().startsWith('+PONG') ?? false;
}
