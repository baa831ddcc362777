import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { recordedActor, type Actor } from '@ocop/auth';
import { CooperativesService, ProductsService, type ProductLabel } from '@ocop/catalogue';
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
import { EventBus, Transactions } from '@ocop/database';
import type { Assessment } from './assessment.entity';
import {
  AssessmentStore,
  type CertifiedProduct,
  type CoveragePeriod,
  type ExpiringCertificate,
  type IssuedCertificate,
  type NewAssessment,
} from './certificates.repository';
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

/** `names`: the product's and producer's names and the district, kept beside the ids. */
export function assessmentView(a: Assessment, today: string, names: ProductLabel | undefined) {
  return {
    id: a.id,
    productId: a.productId,
    cooperativeId: a.cooperativeId,
    // a product is never deleted (archived at most), so its names are there; '' rather than a lie
    productName: names?.productName ?? '',
    producerName: names?.producerName ?? '',
    district: names?.district ?? null,
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
    recordedBy: recordedActor(a.recordedByKind, a.recordedById, a.recordedByName),
    revokedBy: recordedActor(a.revokedByKind, a.revokedById, a.revokedByName),
    createdAt: a.createdAt.toISOString(),
  };
}
export type AssessmentView = ReturnType<typeof assessmentView>;

export type {
  CertifiedProduct,
  CoveragePeriod,
  ExpiringCertificate,
  IssuedCertificate,
} from './certificates.repository';

/** What a certificate's events tell of it. */
type AnnouncedCertificate = Pick<Assessment, 'id' | 'productId' | 'cooperativeId' | 'stars' | 'validUntil'>;

@Injectable()
export class CertificatesService {
  constructor(
    private readonly assessments: AssessmentStore,
    private readonly products: ProductsService,
    private readonly cooperatives: CooperativesService,
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
  /** `actor`: who records the decision, named on it. */
  async record(
    scope: Scope,
    productId: string,
    body: RecordAssessmentBody,
    actor: Actor | null,
  ): Promise<AssessmentView> {
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
      const draft: NewAssessment = {
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
        recordedByKind: actor?.kind ?? null,
        recordedById: actor?.id ?? null,
        recordedByName: actor?.name ?? null,
        revokedByKind: null,
        revokedById: null,
        revokedByName: null,
      };
      if (certified) await this.placeCertificate(manager, draft, today);
      else await this.assessments.add(manager, draft);
    });
    return this.get(scope, id);
  }

  private async placeCertificate(manager: EntityManager, draft: NewAssessment, today: string): Promise<void> {
    // One certificate change per product at a time: the product row is the lock.
    await this.products.lockProduct(manager, draft.productId);
    const current = await this.assessments.activeOf(manager, draft.productId);
    const validThrough = draft.validUntil as string;
    if (current && current.decidedAt > draft.decidedAt) {
      // An older decision recorded late is history: superseded if it was still valid when the
      // current certificate was decided, otherwise it had simply run its course.
      const superseded = validThrough >= current.decidedAt;
      await this.assessments.add(manager, {
        ...draft,
        ...(superseded ? { status: 'superseded', supersededBy: current.id } : { status: 'expired' }),
      });
      return;
    }
    if (validThrough < today) {
      await this.assessments.add(manager, { ...draft, status: 'expired' });
      return;
    }
    if (current) {
      const lapsed = effectiveStatus(current.status, current.validUntil, today) === 'expired';
      if (lapsed) await this.assessments.markExpired(manager, current.id);
      else await this.assessments.markSuperseded(manager, current.id, draft.id);
      await this.announce(manager, CertificateDeactivated, current, lapsed ? 'expired' : 'superseded');
    }
    await this.assessments.add(manager, { ...draft, status: 'active' });
    await this.announce(manager, CertificateActivated, draft);
    await this.products.recordOcopBadge(manager, draft.productId, {
      certificateId: draft.id,
      stars: draft.stars,
      validUntil: validThrough,
    });
  }

  async revoke(
    scope: Scope,
    certificateId: string,
    reason: string,
    actor: Actor | null,
  ): Promise<AssessmentView> {
    const found = await this.find(scope, certificateId);
    await this.transactions.run(async (manager) => {
      await this.products.lockProduct(manager, found.productId);
      const certificate = await this.assessments.get(manager, certificateId);
      const status = effectiveStatus(certificate.status, certificate.validUntil, this.today());
      if (status !== 'active') {
        throw new Conflict(
          `Only an active certificate can be revoked; this one is ${status.replace('_', ' ')}`,
        );
      }
      await this.assessments.markRevoked(manager, certificateId, reason, this.clock.now(), actor);
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
      const expired = await this.assessments.expireLapsed(manager, today);
      for (const certificate of expired) {
        await this.announce(manager, CertificateDeactivated, certificate, 'expired');
        await this.products.clearOcopBadge(manager, certificate.productId, certificate.id);
      }
      return expired.length;
    });
  }

  /**
   * The certificates still active whose last day is between `today` and `lastDay`, both included,
   * soonest first: what the issuing body must warn producers of (ocop.md: 30 days ahead).
   */
  async activeExpiringBy(today: string, lastDay: string): Promise<ExpiringCertificate[]> {
    return this.assessments.activeLastDayBetween(today, lastDay);
  }

  /**
   * Every certificate ever issued (3 to 5 stars, whatever it became since), for measuring what
   * the rating did to sales: the decision date is what matters, not today's status.
   */
  async issuedCertificates(filter: { stars?: number } = {}): Promise<IssuedCertificate[]> {
    return this.assessments.issued(filter.stars ?? null);
  }

  /**
   * The products certified on a day, each with the stars of the certificate in force then: decided
   * by that day, still valid, not yet revoked; where several apply, the latest decision (it
   * superseded the others).
   */
  async certifiedOn(date: string): Promise<CertifiedProduct[]> {
    return this.assessments.certifiedOn(date);
  }

  /**
   * Every product's spans of certified days (a product with several certificates has several,
   * which may overlap): what tells an uplift control, a product that held no valid certificate
   * during a comparison's windows, from the others.
   */
  async coveragePeriods(): Promise<Map<string, CoveragePeriod[]>> {
    const periods = new Map<string, CoveragePeriod[]>();
    for (const period of await this.assessments.coverage()) {
      const spans = periods.get(period.productId);
      if (spans) spans.push(period);
      else periods.set(period.productId, [period]);
    }
    return periods;
  }

  async get(scope: Scope, id: string): Promise<AssessmentView> {
    const found = await this.find(scope, id);
    const names = await this.products.productLabels([found.productId]);
    return assessmentView(found, this.today(), names.get(found.productId));
  }

  async listForProduct(
    scope: Scope,
    productId: string,
    query: AssessmentListQuery,
  ): Promise<Page<AssessmentView>> {
    await this.products.findProduct(scope, productId);
    return this.views(await this.assessments.pageOfProduct(productId, query));
  }

  async list(scope: Scope, query: CertificateListQuery): Promise<Page<AssessmentView>> {
    if (scope.cooperativeId && query.cooperativeId && query.cooperativeId !== scope.cooperativeId) {
      return { items: [], nextCursor: null };
    }
    const today = this.today();
    // the district is the producer's: the catalogue knows which producers are in it
    const inDistrict =
      query.district === undefined ? undefined : await this.cooperatives.inDistrict(query.district);
    return this.views(
      await this.assessments.page(
        {
          cooperativeId: scope.cooperativeId ?? query.cooperativeId,
          cooperativeIds: inDistrict,
          stars: query.stars,
          status: query.status,
          today,
          expiringBy:
            query.expiringWithinDays === undefined ? undefined : addDays(today, query.expiringWithinDays),
        },
        query,
      ),
    );
  }

  /** A page's views, named in one read for the whole page. */
  private async views(page: Page<Assessment>): Promise<Page<AssessmentView>> {
    const today = this.today();
    const names = await this.products.productLabels(page.items.map((a) => a.productId));
    return {
      items: page.items.map((a) => assessmentView(a, today, names.get(a.productId))),
      nextCursor: page.nextCursor,
    };
  }

  private async find(scope: Scope, id: string): Promise<Assessment> {
    const found = await this.assessments.byId(id, scope.cooperativeId);
    if (!found) throw new NotFound('No such OCOP assessment or certificate');
    return found;
  }

  private async announce(
    manager: EntityManager,
    Event: typeof CertificateActivated | typeof CertificateDeactivated,
    certificate: AnnouncedCertificate,
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
