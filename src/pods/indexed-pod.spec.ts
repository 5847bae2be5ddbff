import { aPod, containerState as is, POD_CREATED_AT } from '../../test/helpers/pod-builder.js';
import { indexPod, podSearchTexts } from './indexed-pod.js';

describe(indexPod.name, () => {
  it('precomputes what the list filters, sorts and shows', () => {
    const pod = aPod('web-0').inNamespace('shop').onNode('node-1').crashLooping(4).build();
    expect(indexPod(pod)).toEqual({
      key: 'shop/web-0',
      namespace: 'shop',
      name: 'web-0',
      nodeName: 'node-1',
      status: 'CrashLoopBackOff',
      ready: '0/1',
      restarts: 4,
      createdAt: Date.parse(POD_CREATED_AT),
      pod,
    });
  });

  it.each([
    { timestamp: '2026-03-04T05:06:07Z', createdAt: Date.parse('2026-03-04T05:06:07Z') },
    { timestamp: '2026-03-04T05:06:07.250Z', createdAt: Date.parse('2026-03-04T05:06:07.250Z') },
    { timestamp: 'yesterday', createdAt: Number.NEGATIVE_INFINITY },
    { timestamp: undefined, createdAt: Number.NEGATIVE_INFINITY },
  ])('reads creationTimestamp $timestamp as $createdAt', ({ timestamp, createdAt }) => {
    const pod = aPod().build();
    pod.metadata.creationTimestamp = timestamp;
    expect(indexPod(pod).createdAt).toBe(createdAt);
  });

  it("gives a pod bound to no node the node name ''", () => {
    expect(indexPod(aPod().pending().build()).nodeName).toBe('');
  });
});

describe(podSearchTexts.name, () => {
  it('lower-cases every searchable text: IPs of both families, host IPs, images of init and app containers', () => {
    const pod = aPod('Web-0')
      .inNamespace('shop')
      .onNode('Node-1')
      .withInitContainers('init')
      .withSidecar('proxy')
      .withContainers('app', 'log')
      .withImage('init', 'BusyBox:1.36')
      .withImage('proxy', 'envoy:v1')
      .withImage('app', 'ghcr.io/Acme/App:v2')
      .withImage('log', 'envoy:v1')
      .running()
      .withPodIP('10.244.1.5')
      .withHostIP('10.0.0.1')
      .withStatus({ podIPs: [{ ip: '10.244.1.5' }, { ip: 'FD00::5' }] })
      .withStatus({ hostIPs: [{ ip: '10.0.0.1' }, { ip: 'FD00::1' }] })
      .build();
    expect(podSearchTexts(pod)).toEqual({
      name: 'web-0',
      namespace: 'shop',
      nodeName: 'node-1',
      podIPs: ['10.244.1.5', 'fd00::5'],
      hostIPs: ['10.0.0.1', 'fd00::1'],
      images: ['busybox:1.36', 'envoy:v1', 'ghcr.io/acme/app:v2'],
    });
  });

  it('has empty texts for what a pending pod lacks, and ignores malformed IP lists', () => {
    const pod = aPod('p')
      .pending()
      .withStatus({ hostIPs: 'nonsense', podIPs: [{ ip: 7 }] } as never)
      .build();
    pod.spec.containers[0].image = undefined;
    expect(podSearchTexts(pod)).toEqual({
      name: 'p',
      namespace: 'default',
      nodeName: '',
      podIPs: [],
      hostIPs: [],
      images: [],
    });
  });

  it('keeps container statuses out: only spec images are searched', () => {
    const pod = aPod('p')
      .running()
      .withContainerStatus('app', { ...is.running(), image: 'docker.io/library/nginx:1.27' })
      .build();
    expect(podSearchTexts(pod).images).toEqual(['nginx:1.27']);
  });
});
