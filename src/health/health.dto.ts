import { ApiProperty } from '@nestjs/swagger';

export class HealthStatus {
  @ApiProperty({ example: 'ok', enum: ['ok'] })
  status!: 'ok';
}

export class ReadinessStatus {
  @ApiProperty({ example: 'ready', enum: ['ready'] })
  status!: 'ready';
}
