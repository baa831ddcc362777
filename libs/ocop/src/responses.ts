import { ApiProperty } from '@nestjs/swagger';
import { ActorResponse } from '@ocop/auth';
import { PageOf } from '@ocop/common';
import { LEVELS, STATUSES } from './dto';
import type { Level, StoredStatus } from './rules';

/** The answers of the OCOP routes (assessmentView builds them), as the OpenAPI document describes them. */

export class ScoreResponse {
  @ApiProperty({ description: 'two decimals at most' }) partA: number;
  @ApiProperty() partB: number;
  @ApiProperty() partC: number;
  @ApiProperty({ description: 'partA + partB + partC, out of 100' }) total: number;
}

export class AssessmentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ type: ScoreResponse }) score: ScoreResponse;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars: number;
  @ApiProperty() mandatoryCriteriaMet: boolean;
  @ApiProperty({ enum: LEVELS, enumName: 'OcopLevel' }) level: Level;
  @ApiProperty() decisionNo: string;
  @ApiProperty({ format: 'date' }) decidedAt: string;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'null when it certified nothing',
  })
  validUntil: string | null;
  @ApiProperty({
    enum: STATUSES,
    enumName: 'CertificateStatus',
    description: 'as of today: an active certificate past its last day reads expired',
  })
  status: StoredStatus;
  @ApiProperty({ type: String, nullable: true }) revokedReason: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the certificate that replaced it',
  })
  supersededBy: string | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description:
      'who recorded the decision; null when the connector did (the seed) or it predates the record',
  })
  recordedBy: ActorResponse | null;
  @ApiProperty({ type: ActorResponse, nullable: true, description: 'who revoked it; null unless revoked' })
  revokedBy: ActorResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AssessmentPage extends PageOf(AssessmentResponse) {}
