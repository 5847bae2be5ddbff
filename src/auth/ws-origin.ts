/**
 * Whether a WebSocket upgrade may go on, judged by its `Origin` (cross-site WebSocket hijacking): a page on another
 * site must not open a terminal with its visitor's network position or credentials.
 *
 * - No `Origin`: allowed. Browsers always send one on an upgrade; programs (kubectl-like tools, scripts) send none,
 *   and they hold their own token, which a foreign page cannot borrow.
 * - The service's own origin (`Origin`'s host and port equal the `Host` header): allowed, so a console the service
 *   serves works without configuration. Only host and port are compared: behind a proxy that terminates TLS the
 *   browser's `https` origin reaches the service over plain HTTP.
 * - Otherwise the origin must be listed in `allowed` (WS_ALLOWED_ORIGINS, normalised as `URL.origin`): scheme, host
 *   and port all match.
 */
export function wsOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false; // includes the opaque origin `null`
  const url = new URL(origin);
  if (host !== undefined && hostAs(url.protocol, host) === url.host) return true;
  return allowed.includes(url.origin);
}

/** The Host header normalised as a URL's host under `scheme` (lower case, the default port left out). */
function hostAs(scheme: string, host: string): string | undefined {
  const url = `${scheme}//${host}`;
  return URL.canParse(url) ? new URL(url).host : undefined;
}
