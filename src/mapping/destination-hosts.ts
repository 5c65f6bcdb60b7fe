/**
 * Which hosts an http(s) OnFailure destination may name. Admin API callers choose destination URLs,
 * so without a limit the bridge would POST failure records wherever a caller points it, internal
 * services and cloud metadata endpoints included (server-side request forgery, reliability.md §4.2).
 * The operator lists the allowed hosts (config `destinationHosts`, env KLB_DESTINATION_HOSTS); with
 * no list, no http(s) destination is accepted. Kafka topics (`kafka://`) and ARNs are not URLs and
 * are not affected.
 *
 * A pattern is `host` (any port), `host:port`, or `*.domain` (any subdomain of domain, any port);
 * hosts compare case-insensitively, IPv6 addresses in brackets (`[::1]:8080`).
 */

const PATTERN = /^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

export function isDestinationHostPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

function splitPort(hostPort: string): [host: string, port: string | undefined] {
  const at = hostPort.lastIndexOf(':');
  if (at < 0 || hostPort.endsWith(']')) return [hostPort, undefined];
  return [hostPort.slice(0, at), hostPort.slice(at + 1)];
}

/** The URL's port, or its scheme's default: a pattern with a port means exactly that port. */
function portOf(url: URL): string {
  if (url.port !== '') return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

export function destinationHostAllowed(url: URL, patterns: readonly string[] | undefined): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  return (patterns ?? []).some((raw) => {
    const [name, port] = splitPort(raw.toLowerCase());
    if (port !== undefined && port !== portOf(url)) return false;
    if (name.startsWith('*.')) return host.endsWith(name.slice(1));
    return host === name;
  });
}
