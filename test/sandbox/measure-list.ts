/**
 * Times a full LIST of every pod, the same LIST paged with `limit`, and the Table kubectl asks for, against a
 * running simulator (see docs/performance.md, "Simulator"):
 *
 *   node --experimental-transform-types --no-warnings --import ./src/sandbox/cli/ts-hooks.mjs \
 *     test/sandbox/measure-list.ts <kubeconfig> [limit]
 *
 * Plain HTTP only (the default of `npm run sandbox`); each body is read to the end and parsed, as a client would.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Kubeconfig {
  clusters: { cluster: { server: string } }[];
  users: { user: { token: string } }[];
}

async function main(): Promise<void> {
  const [path, limitText = '500'] = process.argv.slice(2);
  if (!path) throw new Error('usage: measure-list.ts <kubeconfig> [limit]');
  const config = parse(readFileSync(path, 'utf8')) as Kubeconfig;
  const server = config.clusters[0].cluster.server;
  const headers = { authorization: `Bearer ${config.users[0].user.token}` };
  const get = async (query: string, accept?: string) => {
    const response = await fetch(`${server}/api/v1/pods${query}`, {
      headers: accept ? { ...headers, accept } : headers,
    });
    const text = await response.text();
    return {
      bytes: Buffer.byteLength(text),
      body: JSON.parse(text) as { items?: unknown[]; rows?: unknown[]; metadata: { continue?: string } },
    };
  };
  const time = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await run();
    return [result, Math.round(performance.now() - started)];
  };

  const [full, fullMs] = await time(() => get(''));
  console.log(
    JSON.stringify({
      list: 'full',
      items: full.body.items?.length,
      mebibytes: +(full.bytes / 1048576).toFixed(1),
      ms: fullMs,
    }),
  );

  const [paged, pagedMs] = await time(async () => {
    let items = 0;
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await get(`?limit=${limitText}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      items += page.body.items?.length ?? 0;
      pages++;
      token = page.body.metadata.continue;
    } while (token);
    return { items, pages };
  });
  console.log(JSON.stringify({ list: `limit=${limitText}`, ...paged, ms: pagedMs }));

  const [table, tableMs] = await time(() => get('', 'application/json;as=Table;v=v1;g=meta.k8s.io'));
  console.log(
    JSON.stringify({
      list: 'table',
      rows: table.body.rows?.length,
      mebibytes: +(table.bytes / 1048576).toFixed(1),
      ms: tableMs,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
