/** Progress lines for the services tool: short, prefixed, on stderr so stdout stays parseable. */
export function say(service: string, message: string): void {
  process.stderr.write(`[services] ${service}: ${message}\n`);
}
