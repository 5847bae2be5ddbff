import type { DeleteOptions } from '../clusters/kube/kube-api.js';
import type { DeletePodQuery } from './dto/delete-pod.query.js';

/** `force` and `gracePeriod` as kubectl delete turns them into DeleteOptions (kubectl delete.go, v1.35). */
export function toDeleteOptions({ force, gracePeriod }: DeletePodQuery): DeleteOptions {
  // --force alone means --grace-period=0: the API object goes at once, without waiting for the kubelet.
  if (force) return { gracePeriodSeconds: gracePeriod ?? 0 };
  // Without --force, kubectl turns --grace-period=0 into 1: zero removes the pod from the API before the kubelet
  // has stopped its containers.
  if (gracePeriod === 0) return { gracePeriodSeconds: 1 };
  return gracePeriod === undefined ? {} : { gracePeriodSeconds: gracePeriod };
}
