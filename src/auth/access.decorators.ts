import { SetMetadata } from '@nestjs/common';

/** The contract's roles (api.md §6), each including the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLE = 'podapi:required-role';
export const PUBLIC_ROUTE = 'podapi:public';

/**
 * The least role a caller needs, on the cluster and namespace the request names, to use this route. Every
 * handler declares either this or `@Public()`; a spec walks the routes and fails on one that declares neither.
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** Open to anyone, without credentials (health probes, metrics scraping, the API document). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
