/**
 * SET of a large payload without the client's copy of it. ioredis builds every command into one
 * Buffer, copying binary arguments into it (Command#toWritable): for the bridge that is a second
 * 1.4 MB buffer per batch, garbage until V8 gets round to collecting it, and memcpy time on the
 * main thread. This command writes the RESP header and the caller's bytes to the socket itself and
 * leaves ioredis only the closing CRLF to write, in the same synchronous turn, so the order of
 * commands on the connection is unchanged.
 *
 * While a write is queued in the socket, the socket reads the caller's memory: the bytes must stay
 * as they are, never freed or reused, until `setBytes` settles. It settles only when the reply has
 * arrived or the command failed, and no write of the bytes is still queued (ioredis may write a
 * command again after a reconnect; each write is tracked).
 */
import { Command, type Redis } from 'ioredis';

interface Writable {
  write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void): boolean;
}

const isWritable = (x: object): x is Writable => typeof (x as Partial<Writable>).write === 'function';

class SetBytesCommand extends Command {
  readonly #bytes: Buffer;
  #queued = 0;
  #drained: (() => void) | undefined;

  constructor(key: string, bytes: Buffer, keyPrefix: string | undefined) {
    super('set', [key, bytes], keyPrefix ? { keyPrefix } : {});
    this.#bytes = bytes;
  }

  override toWritable(socket: object): string | Buffer {
    // Only sendCommand without a pipeline hands over the connection's own socket (see setBytes).
    if (!isWritable(socket) || this.#bytes.length === 0) return super.toWritable(socket);
    const key = String(this.args[0]); // with the client's keyPrefix applied by the constructor
    socket.write(`*3\r\n$3\r\nSET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$${this.#bytes.length}\r\n`);
    this.#queued += 1;
    socket.write(this.#bytes, () => {
      this.#queued -= 1;
      if (this.#queued === 0) this.#drained?.();
    });
    return '\r\n';
  }

  /** Resolves once no write of the bytes is queued in any socket. */
  drained(): Promise<void> {
    if (this.#queued === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }
}

/**
 * `SET key bytes`, the bytes written to the connection without a copy. Rejects as `redis.set` would;
 * settles only once the connection no longer reads `bytes` (see the file comment).
 */
export async function setBytes(redis: Redis, key: string, bytes: Uint8Array): Promise<void> {
  const command = new SetBytesCommand(
    key,
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    redis.options.keyPrefix,
  );
  try {
    // sendCommand directly: never auto-pipelined or queued in a pipeline, whose buffered writes
    // would go out after the bytes this command writes at once.
    await redis.sendCommand(command);
  } finally {
    await command.drained();
  }
}
