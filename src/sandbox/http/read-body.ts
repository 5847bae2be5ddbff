import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { KubeStatusError } from '../kube-status-error.js';

/** The API server refuses request bodies above 3 MiB (apiserver MaxRequestBodyBytes). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw KubeStatusError.of(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A JSON (or YAML) request body; `expectedKind` words the error as the API server does. */
export async function readObjectBody(req: IncomingMessage, expectedKind: string): Promise<unknown> {
  const body = await readBody(req);
  const text = body.toString('utf8');
  const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  try {
    if (contentType === 'application/yaml' || contentType === 'application/x-yaml' || contentType === 'text/yaml')
      return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw KubeStatusError.badRequest(
      `the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: ${reason} (${truncate(text)})`,
    );
  }
}

export async function readOptionalJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw KubeStatusError.badRequest(`json: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
