import type { KubeContainer, KubePod, KubePodSpec } from '../../common/kube/kube-objects.js';
import { podFieldValue, POD_SELECTABLE_FIELDS } from '../../common/kube/field-selector.js';
import { dnsLabelErrors, dnsSubdomainErrors } from '../../common/kube/names.js';
import { formatTime, randomSuffix } from '../clock.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-errors.js';
import { validateObjectMeta } from './object-meta.js';
import { jsonEqual, keepMetadataForStatus, keepSystemMetadata, type ResourceStrategy } from './resource-strategy.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

/** The mount path the ServiceAccount admission plugin gives every container (plugin/pkg/admission/serviceaccount). */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Pods, as `pkg/registry/core/pod/strategy.go` (v1.35) treats them, with the defaults of `pkg/apis/core/v1/defaults.go`
 * and of the admission plugins every cluster runs (ServiceAccount, DefaultTolerationSeconds, Priority), so that
 * `kubectl get pod -o yaml` and `describe` show what a real cluster shows.
 */
export const podStrategy: ResourceStrategy = {
  kind: 'Pod',
  apiVersion: 'v1',
  resource: 'pods',
  namespaced: true,
  allowUnconditionalUpdate: true,

  fieldsOf(object) {
    const pod = object as unknown as KubePod;
    const fields: Record<string, string> = {};
    for (const field of POD_SELECTABLE_FIELDS) fields[field] = podFieldValue(pod, field);
    return fields;
  },

  prepareForCreate(object, now) {
    const pod = object as unknown as KubePod;
    applyPodDefaults(pod);
    pod.metadata.generation = 1;
    // PrepareForCreate: a client cannot create a pod with a status.
    pod.status = { phase: 'Pending', qosClass: podQosClass(pod.spec) };
    if ((pod.spec.schedulingGates ?? []).length > 0) {
      pod.status.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: formatTime(now),
          reason: 'SchedulingGated',
          message: 'Scheduling is blocked due to non-empty scheduling gates',
        },
      ];
    }
  },

  validate(object) {
    const pod = object as unknown as KubePod;
    return [
      ...validateObjectMeta(pod.metadata, { namespaced: true, nameErrors: dnsSubdomainErrors }),
      ...validatePodSpec(pod.spec),
    ];
  },

  prepareForUpdate(next, previous) {
    keepSystemMetadata(next, previous);
    // An update of the main resource never changes the status (podStrategy.PrepareForUpdate).
    next.status = previous.status;
    if (!jsonEqual(next.spec, previous.spec)) next.metadata.generation = (previous.metadata.generation ?? 1) + 1;
  },

  validateUpdate(next, previous) {
    const pod = next as unknown as KubePod;
    const errors = [
      ...validateObjectMeta(pod.metadata, { namespaced: true, nameErrors: dnsSubdomainErrors }),
      ...validatePodSpec(pod.spec),
    ];
    if (errors.length > 0) return errors;
    if (!jsonEqual(mutableFieldsCleared(pod.spec), mutableFieldsCleared((previous as unknown as KubePod).spec))) {
      return [
        forbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
            '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
            '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      ];
    }
    return [];
  },

  prepareForStatusUpdate(next, previous) {
    keepMetadataForStatus(next, previous);
    next.spec = previous.spec;
  },

  gracePeriodSeconds(object, requested) {
    // CheckGracefulDelete: the client's value, else the pod's terminationGracePeriodSeconds; but a pod that no
    // kubelet runs (unscheduled) or that has finished is deleted at once.
    const pod = object as unknown as KubePod;
    let period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 0;
    if (!pod.spec.nodeName) period = 0;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') period = 0;
    return period;
  },
};

export function generateName(prefix: string): string {
  return `${prefix}${randomSuffix()}`;
}

function validatePodSpec(spec: KubePodSpec | undefined): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required('spec')];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  const checkContainers = (containers: KubeContainer[] | undefined, path: string, init: boolean): void => {
    (containers ?? []).forEach((container, index) => {
      const at = `${path}[${index}]`;
      if (!container.name) errors.push(required(`${at}.name`));
      else {
        for (const message of dnsLabelErrors(container.name))
          errors.push(invalid(`${at}.name`, container.name, message));
        if (names.has(container.name)) errors.push(duplicate(`${at}.name`, container.name));
        names.add(container.name);
      }
      if (!container.image) errors.push(required(`${at}.image`));
      if (container.restartPolicy !== undefined) {
        if (!init) errors.push(forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
        else if (container.restartPolicy !== 'Always')
          errors.push(notSupported(`${at}.restartPolicy`, container.restartPolicy, ['Always']));
      }
    });
  };
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errors.push(required('spec.containers'));
  checkContainers(spec.initContainers, 'spec.initContainers', true);
  checkContainers(spec.containers, 'spec.containers', false);
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errors.push(notSupported('spec.restartPolicy', spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.nodeName)
    for (const message of dnsSubdomainErrors(spec.nodeName))
      errors.push(invalid('spec.nodeName', spec.nodeName, message));
  return errors;
}

/** The spec with every field an update may change blanked out (ValidatePodUpdate). */
function mutableFieldsCleared(spec: KubePodSpec): unknown {
  const clearImages = (containers: KubeContainer[] | undefined) =>
    containers?.map((container) => ({ ...container, image: '' }));
  return {
    ...spec,
    containers: clearImages(spec.containers),
    initContainers: clearImages(spec.initContainers),
    activeDeadlineSeconds: undefined,
    tolerations: undefined,
    terminationGracePeriodSeconds: undefined,
    schedulingGates: undefined,
  };
}

/** The defaults a 1.35 API server writes into a new pod. */
export function applyPodDefaults(pod: KubePod): void {
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = (spec.tolerations as { key?: string }[] | undefined) ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((toleration) => toleration.key === key)) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 } as { key: string });
    }
  }
  spec.tolerations = tolerations;
  const automount = spec.automountServiceAccountToken !== false;
  const volumes = spec.volumes ?? [];
  let tokenVolume = volumes.find((volume) => volume.name.startsWith('kube-api-access-'))?.name;
  if (automount && !tokenVolume) {
    tokenVolume = `kube-api-access-${randomSuffix()}`;
    volumes.push(serviceAccountTokenVolume(tokenVolume));
  }
  if (volumes.length > 0) spec.volumes = volumes;
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.imagePullPolicy ??= defaultPullPolicy(container.image ?? '');
    container.resources ??= {};
    for (const port of container.ports ?? []) port.protocol ??= 'TCP';
    if (automount && tokenVolume) {
      const mounts = container.volumeMounts ?? [];
      if (!mounts.some((mount) => mount.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) {
        mounts.push({ name: tokenVolume, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
      }
      container.volumeMounts = mounts;
    }
  }
}

function defaultPullPolicy(image: string): string {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function serviceAccountTokenVolume(name: string): { name: string; projected: unknown } {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

/** qos.GetPodQOS (pkg/apis/core/helper/qos), for cpu and memory. */
export function podQosClass(spec: KubePodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let anyResources = false;
  let guaranteed = true;
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) anyResources = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!anyResources) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
