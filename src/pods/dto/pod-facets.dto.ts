import { ApiProperty } from '@nestjs/swagger';

const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;

/**
 * How many pods each choice of a filter would give (api.md §3.6): every facet counts the pods matching all the
 * other filters, so a portal can show a count beside each choice of a drop-down.
 */
export class PodFacets {
  @ApiProperty({ type: 'integer', description: 'Pods matching every filter', example: 131 })
  total!: number;

  @ApiProperty({ ...COUNTS, description: 'By display status', example: { Running: 120, CrashLoopBackOff: 2 } })
  status!: Record<string, number>;

  @ApiProperty({ ...COUNTS, description: 'By namespace', example: { shop: 40 } })
  namespace!: Record<string, number>;

  @ApiProperty({
    ...COUNTS,
    description: 'By node (pods not yet on a node are not counted here)',
    example: { 'node-1': 65 },
  })
  nodeName!: Record<string, number>;
}
