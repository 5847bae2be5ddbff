import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AppModule } from './app.module.js';
import { GATEWAY_OPTIONS } from '@nestjs/websockets/constants.js';
import { AUTHENTICATED_ROUTE, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth/access.decorators.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';

/**
 * Walks every HTTP handler and WebSocket gateway of the application and fails on one that declares none of
 * `@RequireRole`, `@Authenticated` or `@Public`: a route added without an access decision must not slip through.
 */
describe('every route declares who may use it', () => {
  it('has @RequireRole or @Public on each handler', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, DiscoveryModule] }).compile();
    const discovery = moduleRef.get(DiscoveryService);
    const scanner = moduleRef.get(MetadataScanner);
    const reflector = moduleRef.get(Reflector);
    const routes: { route: string; declared: boolean }[] = [];
    for (const wrapper of discovery.getControllers()) {
      const instance = wrapper.instance as object;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as () => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const targets = [handler, wrapper.metatype as () => unknown];
        const declared =
          reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true ||
          reflector.getAllAndOverride<boolean>(AUTHENTICATED_ROUTE, targets) === true ||
          reflector.getAllAndOverride<string>(REQUIRED_ROLE, targets) !== undefined;
        routes.push({ route: `${method} ${wrapper.name}.${name}`, declared });
      }
    }
    for (const wrapper of discovery.getProviders()) {
      const gateway = wrapper.metatype as (() => unknown) | null | undefined;
      if (typeof gateway !== 'function') continue;
      const options = Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { path?: string } | undefined;
      if (options?.path === undefined) continue;
      const declared =
        reflector.get<boolean>(PUBLIC_ROUTE, gateway) === true ||
        reflector.get<string>(REQUIRED_ROLE, gateway) !== undefined;
      routes.push({ route: `WS ${options.path}`, declared });
    }
    expect(routes.filter((route) => route.route.startsWith('WS ')).length).toBeGreaterThan(0);
    expect(routes.length).toBeGreaterThan(3);
    expect(routes.filter((route) => !route.declared).map((route) => route.route)).toEqual([]);
    await moduleRef.close();
  });
});

/** A handler that changes something (any method but GET and HEAD) spends the caller's writes; a read spends nothing. */
describe('every write is rate-limited, and no read', () => {
  it('has @RateLimitedWrite() on each POST, PUT, PATCH and DELETE handler and on no other', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, DiscoveryModule] }).compile();
    const discovery = moduleRef.get(DiscoveryService);
    const scanner = moduleRef.get(MetadataScanner);
    const writes: string[] = [];
    const limited: string[] = [];
    for (const wrapper of discovery.getControllers()) {
      const prototype = Object.getPrototypeOf(wrapper.instance as object) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as () => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const route = `${method} ${wrapper.name}.${name}`;
        if (method !== 'GET' && method !== 'HEAD') writes.push(route);
        const guards = (Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[];
        if (guards.includes(RateLimitGuard)) limited.push(route);
      }
    }
    expect(writes).toEqual(
      expect.arrayContaining(['DELETE PodsController.deletePod', 'POST ClustersController.registerCluster']),
    );
    expect(limited.sort()).toEqual(writes.sort());
    await moduleRef.close();
  });
});
