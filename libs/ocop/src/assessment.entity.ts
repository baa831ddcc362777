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
  /** Who recorded the council's decision, as named then (null: the seed, or before issue 14). */
  @Column({ name: 'recorded_by_kind', type: 'text', nullable: true }) recordedByKind: 'key' | 'user' | null;
  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true }) recordedById: string | null;
  @Column({ name: 'recorded_by_name', type: 'text', nullable: true }) recordedByName: string | null;
  /** Who revoked it, as named then. */
  @Column({ name: 'revoked_by_kind', type: 'text', nullable: true }) revokedByKind: 'key' | 'user' | null;
  @Column({ name: 'revoked_by_id', type: 'uuid', nullable: true }) revokedById: string | null;
  @Column({ name: 'revoked_by_name', type: 'text', nullable: true }) revokedByName: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
}
