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

/** Number of brokers in a Metadata response, or undefined when nothing sensible answered. */
export async function kafkaBrokerCount(
  host: string,
  port: number,
  timeoutMs = 2000,
): Promise<number | undefined> {
  const clientId = Buffer.from('klb-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let at = 0;
  at = body.writeInt16BE(3, at); // api key: Metadata
  at = body.writeInt16BE(4, at); // api version 4 (non-flexible)
  at = body.writeInt32BE(42, at); // correlation id
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  at = body.writeInt32BE(-1, at); // topics: null = all
  body.writeInt8(0, at); // allow_auto_topic_creation
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const response = await exchange(
    host,
    port,
    Buffer.concat([size, body]),
    (b) => b.length >= 4 && b.length >= 4 + b.readInt32BE(0),
    timeoutMs,
  );
  if (!response || response.length < 16 || response.readInt32BE(4) !== 42) return undefined;
  return response.readInt32BE(12); // after size, correlation id, throttle_time_ms
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
  const clientId = Buffer.from('klb-probe');
  const key = Buffer.from(group);
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 2 + key.length + 1);
  let at = 0;
  at = body.writeInt16BE(10, at); // api key: FindCoordinator
  at = body.writeInt16BE(1, at); // api version 1 (non-flexible)
  at = body.writeInt32BE(43, at); // correlation id
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  at = body.writeInt16BE(key.length, at);
  at += key.copy(body, at);
  body.writeInt8(0, at); // key type: group
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const response = await exchange(
    host,
    port,
    Buffer.concat([size, body]),
    (b) => b.length >= 4 && b.length >= 4 + b.readInt32BE(0),
    timeoutMs,
  );
  if (!response || response.length < 14 || response.readInt32BE(4) !== 43) return undefined;
  return response.readInt16BE(12); // after size, correlation id, throttle_time_ms
}

export async function redisPing(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const response = await exchange(host, port, Buffer.from('PING\r\n'), (b) => b.includes('\r\n'), timeoutMs);
  return response?.toString().startsWith('+PONG') ?? false;
}
