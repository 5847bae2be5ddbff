import type { DiscoveryService } from '@nestjs/core';
import { GATEWAY_OPTIONS } from '@nestjs/websockets/constants.js';

/** A WebSocket gateway of the application and the path pattern it serves. */
export interface PathGateway {
  path: string;
  gateway: abstract new (...args: never[]) => unknown;
}

/**
 * Every gateway declared with a `path`, for the upgrade checks that read a gateway's decorators before the upgrade
 * (the adapter hands them the path pattern that matched).
 */
export function pathGateways(discovery: DiscoveryService): PathGateway[] {
  const found: PathGateway[] = [];
  for (const wrapper of discovery.getProviders()) {
    const gateway = wrapper.metatype as PathGateway['gateway'] | null | undefined;
    if (!gateway || typeof gateway !== 'function') continue;
    const options = Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { path?: unknown } | undefined;
    if (typeof options?.path === 'string') found.push({ path: options.path, gateway });
  }
  return found;
}
