import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ExecSessionParams {
  @ApiProperty({ description: 'Terminal session id', format: 'uuid', example: '0b8f6a52-5d0e-4f5c-9a57-1c1f0e9f3b1d' })
  @IsUUID()
  id!: string;
}
