import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ProductsService } from '@ocop/catalogue';
import {
  addDays,
  Clock,
  Conflict,
  ConnectorConfig,
  NotFound,
  Page,
  RuleViolation,
  Scope,
  ValidationFailed,
  isCalendarDate,
  vietnamDate,
} from '@ocop/common';
import { EventBus, fetchPage, type Keyset, Transactions } from '@ocop/database';
import { Assessment } from './assessment.entity';
import { AssessmentListQuery, CertificateListQuery, RecordAssessmentBody } from './dto';
import { CertificateActivated, CertificateDeactivated, type CertificateEventPayload } from './events';
import {
  certifies,
  effectiveStatus,
  levelMismatch,
  partProblems,
  scoreTotal,
  starsFor,
  StoredStatus,
  validUntil,
} from './rules';

export function assessmentView(a: Assessment, today: string) {
  return {
    id: a.id,
    productId: a.productId,
    cooperativeId: a.cooperativeId,
    score: { partA: a.partA, partB: a.partB, partC: a.partC, total: a.total },
    stars: a.stars,
    mandatoryCriteriaMet: a.mandatoryCriteriaMet,
    level: a.level,
    decisionNo: a.decisionNo,
    decidedAt: a.decidedAt,
    validUntil: a.validUntil,
    status: effectiveStatus(a.status, a.validUntil, today),
    revokedReason: a.revokedReason,
    supersededBy: a.supersededBy,
    createdAt: a.createdAt.toISOString(),
  };
}
export type AssessmentView = ReturnType<typeof assessmentView>;

/** Assessments newest decision first. */
const byDecision: Keyset<Assessment> = {
  column: 'decided_at',
  cast: 'date',
  key: (a) => [a.decidedAt, a.id],
};

export interface IssuedCertificate {
  id: string;
  productId: string;
  cooperativeId: string;
  stars: number;
  decidedAt: string;
}

@Injectable()
export class CertificatesService {
  constructor(
    @InjectRepository(Assessment) private readonly assessments: Repository<Assessment>,
    private readonly products: ProductsService,
    private readonly transactions: Transactions,
    private readonly events: EventBus,
    private readonly config: ConnectorConfig,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return vietnamDate(this.clock.now());
  }

  /**
   * Records a council's decision. A certifying one becomes the product's active certificate and
   * supersedes the one before it; an older decision recorded late is kept as history.
   */
  async record(scope: Scope, productId: string, body: RecordAssessmentBody): Promise<AssessmentView> {
    const product = await this.products.findProduct(scope, productId);
    const reference = this.config.reference.ocop;
    const today = this.today();
    if (!isCalendarDate(body.decidedAt)) {
      throw new ValidationFailed([{ field: 'decidedAt', message: 'is not a calendar date' }]);
    }
    if (body.decidedAt > today) {
      throw new ValidationFailed([
        { field: 'decidedAt', message: 'a decision date cannot be in the future' },
      ]);
    }
    const problems = partProblems(body, reference);
    if (problems.length > 0) throw new ValidationFailed(problems);

    const total = scoreTotal(body);
    const stars = starsFor(total, reference);
    const mismatch = levelMismatch(stars, body.level, body.decidedAt, reference);
    if (mismatch) throw new RuleViolation(mismatch);
    const certified = certifies(stars, body.mandatoryCriteriaMet, reference);

    const id = randomUUID();
    await this.transactions.run(async (manager) => {
      const draft = manager.create(Assessment, {
        id,
        productId: product.id,
        cooperativeId: product.cooperativeId,
        partA: body.partA,
        partB: body.partB,
        partC: body.partC,
        total,
        stars,
        mandatoryCriteriaMet: body.mandatoryCriteriaMet,
        level: body.level,
        decisionNo: body.decisionNo,
        decidedAt: body.decidedAt,
        validUntil: certified ? validUntil(body.decidedAt, reference.validityMonths) : null,
        status: 'not_certified' as StoredStatus,
        revokedReason: null,
        revokedAt: null,
        supersededBy: null,
      });
      if (certified) await this.placeCertificate(manager, draft, today);
      else await manager.insert(Assessment, draft);
    });
    return this.get(scope, id);
  }

  private async placeCertificate(manager: EntityManager, draft: Assessment, today: string): Promise<void> {
    // One certificate change per product at a time: the product row is the lock.
    await this.products.lockProduct(manager, draft.productId);
    const current = await manager.findOne(Assessment, {
      where: { productId: draft.productId, status: 'active' },
    });
    const validThrough = draft.validUntil as string;
    if (current && current.decidedAt > draft.decidedAt) {
      // An older decision recorded late is history: superseded if it was still valid when the
      // current certificate was decided, otherwise it had simply run its course.
      const superseded = validThrough >= current.decidedAt;
      await manager.insert(Assessment, {
        ...draft,
        ...(superseded ? { status: 'superseded', supersededBy: current.id } : { status: 'expired' }),
      });
      return;
    }
    if (validThrough < today) {
      await manager.insert(Assessment, { ...draft, status: 'expired' });
      return;
    }
    if (current) {
      const lapsed = effectiveStatus(current.status, current.validUntil, today) === 'expired';
      await manager.update(
        Assessment,
        { id: current.id },
        lapsed ? { status: 'expired' } : { status: 'superseded', supersededBy: draft.id },
      );
      await this.announce(manager, CertificateDeactivated, current, lapsed ? 'expired' : 'superseded');
    }
    await manager.insert(Assessment, { ...draft, status: 'active' });
    await this.announce(manager, CertificateActivated, draft);
    await this.products.recordOcopBadge(manager, draft.productId, {
      certificateId: draft.id,
      stars: draft.stars,
      validUntil: validThrough,
    });
  }

  async revoke(scope: Scope, certificateId: string, reason: string): Promise<AssessmentView> {
    const found = await this.find(scope, certificateId);
    await this.transactions.run(async (manager) => {
      await this.products.lockProduct(manager, found.productId);
      const certificate = await manager.findOneOrFail(Assessment, { where: { id: certificateId } });
      const status = effectiveStatus(certificate.status, certificate.validUntil, this.today());
      if (status !== 'active') {
        throw new Conflict(
          `Only an active certificate can be revoked; this one is ${status.replace('_', ' ')}`,
        );
      }
      await manager.update(
        Assessment,
        { id: certificateId },
        { status: 'revoked', revokedReason: reason, revokedAt: this.clock.now() },
      );
      await this.announce(manager, CertificateDeactivated, certificate, 'revoked');
      await this.products.recordOcopBadge(manager, certificate.productId, null);
    });
    return this.get(scope, certificateId);
  }

  /**
   * Persists the expiry of every active certificate whose last day is before `today`, with one
   * deactivation event each. Safe to run from several workers: a row changes status once.
   */
  async persistExpiries(today = this.today()): Promise<number> {
    return this.transactions.run(async (manager) => {
      const expired: Assessment[] = (
        await manager.query(
          `UPDATE ocop_assessments SET status = 'expired', updated_at = now()
           WHERE status = 'active' AND valid_until < $1
           RETURNING id, product_id, cooperative_id, stars, valid_until`,
          [today],
        )
      )[0].map(
        (row: {
          id: string;
          product_id: string;
          cooperative_id: string;
          stars: number;
          valid_until: string;
        }) =>
          Object.assign(new Assessment(), {
            id: row.id,
            productId: row.product_id,
            cooperativeId: row.cooperative_id,
            stars: row.stars,
            validUntil: row.valid_until,
          }),
      );
      for (const certificate of expired) {
        await this.announce(manager, CertificateDeactivated, certificate, 'expired');
        await this.products.clearOcopBadge(manager, certificate.productId, certificate.id);
      }
      return expired.length;
    });
  }

  /**
   * Every certificate ever issued (3 to 5 stars, whatever it became since), for measuring what
   * the rating did to sales: the decision date is what matters, not today's status.
   */
  async issuedCertificates(filter: { stars?: number } = {}): Promise<IssuedCertificate[]> {
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
      [filter.stars ?? null],
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
   * The products certified on a day, each with the stars of the certificate in force then: decided
   * by that day, still valid, not yet revoked; where several apply, the latest decision (it
   * superseded the others).
   */
  async certifiedOn(date: string): Promise<{ productId: string; cooperativeId: string; stars: number }[]> {
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

  async get(scope: Scope, id: string): Promise<AssessmentView> {
    return assessmentView(await this.find(scope, id), this.today());
  }

  async listForProduct(
    scope: Scope,
    productId: string,
    query: AssessmentListQuery,
  ): Promise<Page<AssessmentView>> {
    await this.products.findProduct(scope, productId);
    return this.page(query, (qb) => qb.andWhere('a.product_id = :productId', { productId }));
  }

  async list(scope: Scope, query: CertificateListQuery): Promise<Page<AssessmentView>> {
    if (scope.cooperativeId && query.cooperativeId && query.cooperativeId !== scope.cooperativeId) {
      return { items: [], nextCursor: null };
    }
    const today = this.today();
    return this.page(query, (qb) => {
      const cooperativeId = scope.cooperativeId ?? query.cooperativeId;
      if (cooperativeId) qb.andWhere('a.cooperative_id = :cooperativeId', { cooperativeId });
      if (query.stars !== undefined) qb.andWhere('a.stars = :stars', { stars: query.stars });
      switch (query.status) {
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
          qb.andWhere('a.status = :status', { status: query.status });
      }
      if (query.expiringWithinDays !== undefined) {
        qb.andWhere(`a.status = 'active' AND a.valid_until >= :today AND a.valid_until <= :horizon`, {
          today,
          horizon: addDays(today, query.expiringWithinDays),
        });
      }
    });
  }

  private async page(
    query: { limit?: number; cursor?: string },
    filter: (qb: ReturnType<Repository<Assessment>['createQueryBuilder']>) => void,
  ): Promise<Page<AssessmentView>> {
    const qb = this.assessments.createQueryBuilder('a');
    filter(qb);
    const { rows, nextCursor } = await fetchPage(qb, query, byDecision);
    const today = this.today();
    return { items: rows.map((a) => assessmentView(a, today)), nextCursor };
  }

  private async find(scope: Scope, id: string): Promise<Assessment> {
    const found = await this.assessments.findOne({
      where: scope.cooperativeId ? { id, cooperativeId: scope.cooperativeId } : { id },
    });
    if (!found) throw new NotFound('No such OCOP assessment or certificate');
    return found;
  }

  private async announce(
    manager: EntityManager,
    Event: typeof CertificateActivated | typeof CertificateDeactivated,
    certificate: Assessment,
    reason?: CertificateEventPayload['reason'],
  ): Promise<void> {
    const payload: CertificateEventPayload = {
      certificateId: certificate.id,
      productId: certificate.productId,
      cooperativeId: certificate.cooperativeId,
      stars: certificate.stars,
      validUntil: certificate.validUntil as string,
      ...(reason ? { reason } : {}),
    };
    await this.events.publish(manager, new Event(certificate.id, payload));
  }
}
