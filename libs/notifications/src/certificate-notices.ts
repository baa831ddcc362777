import { Injectable } from '@nestjs/common';
import { CooperativesService, ProductsService } from '@ocop/catalogue';
import { Clock, ConnectorConfig, vietnamDate } from '@ocop/common';
import { Transactions } from '@ocop/database';
import { CertificatesService } from '@ocop/ocop';
import { NoticesService } from './notices.service';
import { certificateExpiringNotice, certificateExpiringSubject, expiryNoticeHorizon } from './rules';

/**
 * The nightly notices of certificates nearing their last day (OCOP.md: the issuing body tells the
 * producer at least 30 days ahead; `expiryNoticeDays` of the reference data). Every active certificate whose last day is within the window
 * and of which nobody was noticed yet is noticed to its producer's people and every officer; a
 * missed night is caught up the next, a second run the same night writes nothing, and two workers
 * at once are kept apart by the notices' unique subject per person.
 */
@Injectable()
export class CertificateExpiryNotices {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly products: ProductsService,
    private readonly cooperatives: CooperativesService,
    private readonly notices: NoticesService,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly config: ConnectorConfig,
  ) {}

  /** Answers how many notices it wrote. */
  async run(today = vietnamDate(this.clock.now())): Promise<number> {
    const { from, to } = expiryNoticeHorizon(today, this.config.reference.ocop.expiryNoticeDays);
    const expiring = await this.certificates.activeExpiringBy(from, to);
    const noticed = await this.notices.noticed(expiring.map((c) => certificateExpiringSubject(c.id)));
    let written = 0;
    for (const certificate of expiring) {
      if (noticed.has(certificateExpiringSubject(certificate.id))) continue;
      const draft = certificateExpiringNotice({
        certificateId: certificate.id,
        cooperativeId: certificate.cooperativeId,
        stars: certificate.stars,
        validUntil: certificate.validUntil,
        productName: (await this.products.findProduct({}, certificate.productId)).name,
        producerName: (await this.cooperatives.find({}, certificate.cooperativeId)).name,
      });
      written += await this.transactions.run((manager) => this.notices.deliver(manager, draft));
    }
    return written;
  }
}
