import { KubeStatusError } from '../kube-status-error.js';
import { goQuote } from './go-time.js';

/**
 * Query parameters decoded the way the API server decodes them into option structs (`PodLogOptions`,
 * `PodExecOptions`): apimachinery pkg/runtime/conversion.go (v1.33). A value that cannot be decoded answers
 * 400 BadRequest with the Go error text (`handlers.getRequestOptions` wraps it in `errors.NewBadRequest`).
 */

/** Present with any value but `0` / `false` (any case), even empty, means true: `Convert_Slice_string_To_bool`. */
export function boolParam(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An optional int64 (`Convert_Slice_string_To_Pointer_int64`, i.e. `strconv.ParseInt(v, 10, 64)`). */
export function int64Param(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!/^[+-]?\d+$/.test(value)) {
    throw KubeStatusError.badRequest(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
  }
  const parsed = BigInt(value);
  if (parsed < INT64_MIN || parsed > INT64_MAX) {
    throw KubeStatusError.badRequest(`strconv.ParseInt: parsing ${goQuote(value)}: value out of range`);
  }
  return Number(parsed);
}
