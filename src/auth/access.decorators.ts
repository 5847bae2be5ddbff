import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrorEnvelopes } from '../common/envelope/api-envelope.decorator.js';

/** The contract's roles (api.md §6), each including the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLE = 'podapi:required-role';
export const PUBLIC_ROUTE = 'podapi:public';
export const AUTHENTICATED_ROUTE = 'podapi:authenticated';
export const NARROWED_ROUTE = 'podapi:narrowed';

/**
 * The least role a caller needs, on the cluster and namespace the request names, to use this route (on an HTTP
 * handler or controller, or a WebSocket gateway). Every route declares this, `@Authenticated()` or `@Public()`; a
 * spec walks the routes and gateways and fails on one that declares none.
 */
export const RequireRole = (role: Role) =>
  applyDecorators(SetMetadata(REQUIRED_ROLE, role), ApiBearerAuth(), ApiErrorEnvelopes([401, 403]));

/** Open to anyone, without credentials (health probes, metrics scraping, the API document). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Open to any authenticated caller, whatever their grants (`GET /api/auth/me`). */
export const Authenticated = () =>
  applyDecorators(SetMetadata(AUTHENTICATED_ROUTE, true), ApiBearerAuth(), ApiErrorEnvelopes([401]));

/**
 * On a `@RequireRole` route over a whole cluster (or every cluster) that narrows what it answers to the caller's
 * grants: a grant on some namespace of the cluster (or on some cluster) is enough to be let in, and the handler
 * leaves out what the caller may not see (api.md §6: "a list is silently narrowed").
 */
export const NarrowedToGrants = () => SetMetadata(NARROWED_ROUTE, true);
