import { Injectable, Logger } from '@nestjs/common';
import { SandboxServer } from '../sandbox/sandbox-server.js';

export interface RunningSandbox {
  url: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Starts the built-in simulator (the `sandbox` cluster); an abstract class so tests can replace it. */
export abstract class SandboxLauncher {
  abstract start(): Promise<RunningSandbox>;
}

/** The simulator in this process, on a free loopback port, seeded with a small, varied demo cluster. */
@Injectable()
export class InProcessSandboxLauncher extends SandboxLauncher {
  private readonly logger = new Logger('Sandbox');

  async start(): Promise<RunningSandbox> {
    const server = await SandboxServer.start({ host: '127.0.0.1', port: 0, seed: 'demo' });
    this.logger.log({
      event: 'sandbox.started',
      url: server.url,
      note: 'no cluster is configured: serving the built-in simulator as cluster "sandbox"',
    });
    return { url: server.url, kubeconfig: server.kubeconfig({ contextName: 'sandbox' }), stop: () => server.stop() };
  }
}
