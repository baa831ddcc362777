import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Actor } from '@ocop/auth';
import { Page, PageQuery } from '@ocop/common';
import { fetchPage, type Keyset } from '@ocop/database';
import { Assessment } from './assessment.entity';
import type { CertificateListQuery } from './dto';

/** An assessment as it is recorded (its creation time is the database's). */
export type NewAssessment = Omit<Assessment, 'createdAt'>;

export interface IssuedCertificate {
  id: string;
  productId: string;
  cooperativeId: string;
  stars: number;
  decidedAt: string;
}

/** An active certificate nearing its last day, as its expiry notice names it. */
export interface ExpiringCertificate {
  id: string;
  productId: string;
  cooperativeId: string;
  stars: number;
  validUntil: string;
}

/** A product certified on a day, with the stars of the certificate in force then. */
export interface CertifiedProduct {
  productId: string;
  cooperativeId: string;
  stars: number;
}

/**
 * A span of days a product held a certificate: from its decision to its last valid day, or to the
 * day before its revocation (both ends included, calendar days).
 */
export interface CoveragePeriod {
  productId: string;
  from: string;
  to: string;
}

/**
 * The certificates a list shows: those of `cooperativeId` when given, of these stars, in this
 * status on `today` (every certificate when none), and still active on `expiringBy` when given.
 */
export interface CertificateFilter {
  cooperativeId?: string;
  /** only these producers' (a district's); an empty list lets nothing through */
  cooperativeIds?: string[];
  stars?: number;
  status?: CertificateListQuery['status'];
  today: string;
  expiringBy?: string;
}

/** Assessments newest decision first. */
const byDecision: Keyset<Assessment> = {
  column: 'decided_at',
  cast: 'date',
  key: (a) => [a.decidedAt, a.id],
};

/** The OCOP assessments and certificates, as CertificatesService reads and writes them. */
@Injectable()
export class AssessmentStore {
  constructor(@InjectRepository(Assessment) private readonly assessments: Repository<Assessment>) {}

  async add(manager: EntityManager, assessment: NewAssessment): Promise<void> {
    await manager.insert(Assessment, assessment);
  }

  /** The assessment, only if it is `cooperativeId`'s when that is given. */
  async byId(id: string, cooperativeId?: string): Promise<Assessment | null> {
    return this.assessments.findOne({
      where: cooperativeId ? { id, cooperativeId } : { id },
    });
  }

  /** The assessment, read in the caller's transaction; fails when there is none. */
  async get(manager: EntityManager, id: string): Promise<Assessment> {
    return manager.findOneOrFail(Assessment, { where: { id } });
  }

  /** The product's certificate stored as active (it may have passed its last day since). */
  async activeOf(manager: EntityManager, productId: string): Promise<Assessment | null> {
    return manager.findOne(Assessment, {
      where: { productId, status: 'active' },
    });
  }

  async markExpired(manager: EntityManager, id: string): Promise<void> {
    await manager.update(Assessment, { id }, { status: 'expired' });
  }

  async markSuperseded(manager: EntityManager, id: string, supersededBy: string): Promise<void> {
    await manager.update(Assessment, { id }, { status: 'superseded', supersededBy });
  }

  async markRevoked(
    manager: EntityManager,
    id: string,
    reason: string,
    at: Date,
    actor: Actor | null,
  ): Promise<void> {
    await manager.update(
      Assessment,
      { id },
      {
        status: 'revoked',
        revokedReason: reason,
        revokedAt: at,
        revokedByKind: actor?.kind ?? null,
        revokedById: actor?.id ?? null,
        revokedByName: actor?.name ?? null,
      },
    );
  }

  /**
   * Marks expired every active certificate whose last day is before `today` and answers them
   * (id, product, cooperative, stars, last day). A row changes status once, whoever runs this.
   */
  async expireLapsed(manager: EntityManager, today: string): Promise<Assessment[]> {
    return (
      await manager.query(
        `UPDATE ocop_assessments SET status = 'expired', updated_at = now()
         WHERE status = 'active' AND valid_until < $1
         RETURNING id, product_id, cooperative_id, stars, valid_until`,
        [today],
      )
    )[0].map(
      (row: { id: string; product_id: string; cooperative_id: string; stars: number; valid_until: string }) =>
        Object.assign(new Assessment(), {
          id: row.id,
          productId: row.product_id,
          cooperativeId: row.cooperative_id,
          stars: row.stars,
          validUntil: row.valid_until,
        }),
    );
  }

  /** The active certificates whose last day is from `from` to `to`, both included; soonest first. */
  async activeLastDayBetween(from: string, to: string): Promise<ExpiringCertificate[]> {
    const rows: {
      id: string;
      product_id: string;
      cooperative_id: string;
      stars: number;
      valid_until: string;
    }[] = await this.assessments.query(
      `SELECT id, product_id, cooperative_id, stars, valid_until::text FROM ocop_assessments
         WHERE status = 'active' AND valid_until BETWEEN $1::date AND $2::date
         ORDER BY valid_until, id`,
      [from, to],
    );
    return rows.map((row) => ({
      id: row.id,
      productId: row.product_id,
      cooperativeId: row.cooperative_id,
      stars: row.stars,
      validUntil: row.valid_until,
    }));
  }

  /** Every certificate ever issued (of these stars when given), by decision date. */
  async issued(stars: number | null): Promise<IssuedCertificate[]> {
    const rows: {
      id: string;
      product_id: string;
      cooperative_id: string;
      stars: number;
      decided_at: string;
    }[] = await this.assessments.query(
      `SELECT id, product_id, cooperative_id, stars, decided_at::text FROM ocop_assessments
         WHERE status <> 'not_certified' AND ($1::int IS NULL OR stars = $1)
         ORDER BY decided_at, id`,
      [stars],
    );
    return rows.map((row) => ({
      id: row.id,
      productId: row.product_id,
      cooperativeId: row.cooperative_id,
      stars: row.stars,
      decidedAt: row.decided_at,
    }));
  }

  /**
   * The products certified on `date`: decided by then, still valid, not yet revoked; where several
   * apply, the latest decision (it superseded the others).
   */
  async certifiedOn(date: string): Promise<CertifiedProduct[]> {
    const rows: { product_id: string; cooperative_id: string; stars: number }[] =
      await this.assessments.query(
        `SELECT DISTINCT ON (product_id) product_id, cooperative_id, stars FROM ocop_assessments
       WHERE status <> 'not_certified' AND decided_at <= $1::date AND valid_until >= $1::date
         AND (revoked_at IS NULL OR (revoked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > $1::date)
       ORDER BY product_id, decided_at DESC, created_at DESC`,
        [date],
      );
    return rows.map((row) => ({
      productId: row.product_id,
      cooperativeId: row.cooperative_id,
      stars: row.stars,
    }));
  }

  /**
   * Every certificate's span of validity, revocations cut short (a revocation ends a certificate at
   * the start of its Vietnamese day, as certifiedOn reads it). A superseded certificate keeps its
   * own span: the one that replaced it covers those days anyway, unless it was revoked, and then
   * certifiedOn counts the older one again.
   */
  async coverage(): Promise<CoveragePeriod[]> {
    const rows: { product_id: string; from: string; to: string }[] = await this.assessments.query(
      `SELECT product_id, decided_at::text AS from,
              LEAST(valid_until,
                    (revoked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1)::text AS to
       FROM ocop_assessments
       WHERE status <> 'not_certified' AND valid_until IS NOT NULL`,
    );
    return rows
      .filter((row) => row.from <= row.to)
      .map((row) => ({ productId: row.product_id, from: row.from, to: row.to }));
  }

  /** A page of the product's assessments, newest decision first. */
  async pageOfProduct(productId: string, query: PageQuery): Promise<Page<Assessment>> {
    const qb = this.assessments.createQueryBuilder('a');
    qb.andWhere('a.product_id = :productId', { productId });
    const { rows, nextCursor } = await fetchPage(qb, query, byDecision);
    return { items: rows, nextCursor };
  }

  /** A page of the certificates the filter lets through, newest decision first. */
  async page(filter: CertificateFilter, query: PageQuery): Promise<Page<Assessment>> {
    const qb = this.assessments.createQueryBuilder('a');
    const { cooperativeId, today } = filter;
    if (cooperativeId) qb.andWhere('a.cooperative_id = :cooperativeId', { cooperativeId });
    if (filter.cooperativeIds !== undefined) {
      qb.andWhere('a.cooperative_id = ANY(:cooperativeIds::uuid[])', {
        cooperativeIds: filter.cooperativeIds,
      });
    }
    if (filter.stars !== undefined) qb.andWhere('a.stars = :stars', { stars: filter.stars });
    switch (filter.status) {
      case undefined:
        qb.andWhere(`a.status <> 'not_certified'`);
        break;
      case 'active':
        qb.andWhere(`a.status = 'active' AND a.valid_until >= :today`, { today });
        break;
      case 'expired':
        qb.andWhere(`(a.status = 'expired' OR (a.status = 'active' AND a.valid_until < :today))`, {
          today,
        });
        break;
      default:
        qb.andWhere('a.status = :status', { status: filter.status });
    }
    if (filter.expiringBy !== undefined) {
      qb.andWhere(`a.status = 'active' AND a.valid_until >= :today AND a.valid_until <= :horizon`, {
        today,
        horizon: filter.expiringBy,
      });
    }
    const { rows, nextCursor } = await fetchPage(qb, query, byDecision);
    return { items: rows, nextCursor };
  }
}
