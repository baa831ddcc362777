import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Level, StoredStatus } from './rules';

const decimal = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * A council's assessment of a product. When it certifies (3–5 stars, mandatory criteria met) it
 * is also the product's OCOP certificate, with a validity and a lifecycle.
 */
@Entity('ocop_assessments')
export class Assessment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column({ name: 'part_a', type: 'numeric', transformer: decimal }) partA: number;
  @Column({ name: 'part_b', type: 'numeric', transformer: decimal }) partB: number;
  @Column({ name: 'part_c', type: 'numeric', transformer: decimal }) partC: number;
  @Column({ type: 'numeric', transformer: decimal }) total: number;
  @Column({ type: 'smallint' }) stars: number;
  @Column({ name: 'mandatory_criteria_met' }) mandatoryCriteriaMet: boolean;
  @Column({ type: 'text' }) level: Level;
  @Column({ name: 'decision_no' }) decisionNo: string;
  @Column({ name: 'decided_at', type: 'date' }) decidedAt: string;
  @Column({ name: 'valid_until', type: 'date', nullable: true }) validUntil: string | null;
  @Column({ type: 'text' }) status: StoredStatus;
  @Column({ name: 'revoked_reason', type: 'text', nullable: true }) revokedReason: string | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  @Column({ name: 'superseded_by', type: 'uuid', nullable: true }) supersededBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
}
