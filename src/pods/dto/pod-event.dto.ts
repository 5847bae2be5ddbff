import { ApiProperty } from '@nestjs/swagger';

/** One event about a pod, as `kubectl describe pod` lists it (api.md §3.4). */
export class PodEvent {
  @ApiProperty({ example: 'Normal', description: '`Normal` or `Warning`' })
  type!: string;

  @ApiProperty({ example: 'Scheduled' })
  reason!: string;

  @ApiProperty({ example: 'Successfully assigned default/nginx to node-1' })
  message!: string;

  @ApiProperty({ type: String, nullable: true, example: '2026-01-01T00:00:00Z' })
  firstSeen!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-01-01T00:00:00Z' })
  lastSeen!: string | null;

  @ApiProperty({ type: 'integer', example: 1 })
  count!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'default-scheduler',
    description: 'The component that reported it (and its host, as kubectl prints it)',
  })
  source!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'spec.containers{nginx}' })
  fieldPath!: string | null;
}
