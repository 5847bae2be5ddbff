import { Module } from '@nestjs/common';
import { ClusterConnections } from './cluster-connections.js';
import { ClusterRegistry } from './cluster-registry.js';
import { ClusterRegistryRepository } from './cluster-registry.repository.js';
import { ClustersController } from './clusters.controller.js';
import { ClustersService } from './clusters.service.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { ClientNodeKubeApiFactory } from './kube/client-node-kube-api.js';
import { KubeApiFactory } from './kube/kube-api.factory.js';
import { InProcessSandboxLauncher, SandboxLauncher } from './sandbox-cluster.js';

@Module({
  controllers: [ClustersController],
  providers: [
    ClustersService,
    ClusterRegistry,
    ClusterConnections,
    ClusterRegistryRepository,
    CredentialsCipher,
    { provide: KubeApiFactory, useClass: ClientNodeKubeApiFactory },
    { provide: SandboxLauncher, useClass: InProcessSandboxLauncher },
  ],
  exports: [ClusterConnections, ClusterRegistry],
})
export class ClustersModule {}
