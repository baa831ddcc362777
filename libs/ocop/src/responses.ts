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
  @ApiProperty({ example: 'Chè móc câu Tân Cương', description: 'the product’s name today' })
  productName: string;
  @ApiProperty({ example: 'HTX chè Hảo Đạt', description: 'the producer’s name today' })
  producerName: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'TP Thái Nguyên',
    description: 'the producer’s district (pre-2025 district-level unit)',
  })
  district: string | null;
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

export class ScorePartResponse {
  @ApiProperty({ enum: ['partA', 'partB', 'partC'] }) part: 'partA' | 'partB' | 'partC';
  @ApiProperty({ example: 'Product and community strength' }) name: string;
  @ApiProperty({ example: 'Sản phẩm và sức mạnh cộng đồng' }) nameVi: string;
  @ApiProperty({ example: 40, description: 'the highest score of the part' }) max: number;
}

export class StarBandResponse {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars: number;
  @ApiProperty({ description: 'the lowest total that earns these stars' }) minTotal: number;
  @ApiProperty({ description: 'whether these stars are certified (3 to 5)' }) certified: boolean;
}

export class LevelByStarsResponse {
  @ApiProperty({ enum: LEVELS, enumName: 'OcopLevel', required: false }) '3'?: Level;
  @ApiProperty({ enum: LEVELS, enumName: 'OcopLevel', required: false }) '4'?: Level;
  @ApiProperty({ enum: LEVELS, enumName: 'OcopLevel', required: false }) '5'?: Level;
}

export class LevelRuleResponse {
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'first decision date the rule covers; null: from the start',
  })
  decidedFrom: string | null;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'the rule covers decisions before this date; null: to this day',
  })
  decidedBefore: string | null;
  @ApiProperty({
    type: LevelByStarsResponse,
    description: 'the council level that recognises each star count',
  })
  levelByStars: LevelByStarsResponse;
}

export class LevelNameResponse {
  @ApiProperty({ enum: LEVELS, enumName: 'OcopLevel' }) level: Level;
  @ApiProperty({ example: 'Provincial People’s Committee' }) name: string;
  @ApiProperty({ example: 'UBND cấp tỉnh' }) nameVi: string;
}

/** The rating rules' figures (config/reference/ocop.json): what a form needs to rate as the API does. */
export class OcopReferenceResponse {
  @ApiProperty({ type: [ScorePartResponse] }) scoreParts: ScorePartResponse[];
  @ApiProperty({ type: [StarBandResponse], description: 'highest band first' }) starBands: StarBandResponse[];
  @ApiProperty({ type: [LevelRuleResponse], description: 'by decision date' })
  levelRules: LevelRuleResponse[];
  @ApiProperty({ type: [LevelNameResponse] }) levels: LevelNameResponse[];
  @ApiProperty({ type: 'integer', example: 36, description: 'a certificate is valid this many months' })
  validityMonths: number;
  @ApiProperty({ type: 'integer', example: 30, description: 'days before expiry a notice is due' })
  expiryNoticeDays: number;
}
