import { RecordedEvent } from '@ocop/database';

/** Domain event types of certificates, as `domain_events.type` stores them. */
export const CERTIFICATE_ACTIVATED = 'ocop.certificate.activated';
export const CERTIFICATE_DEACTIVATED = 'ocop.certificate.deactivated';

export interface CertificateEventPayload {
  certificateId: string;
  productId: string;
  cooperativeId: string;
  stars: number;
  validUntil: string;
  reason?: 'expired' | 'superseded' | 'revoked';
}

/**
 * A certificate became the product's active one. Recorded in the outbox with the change (the
 * durable record), then handed to after-commit handlers; no context handles it yet. The badge and
 * the listings' versions are not handlers of it: they change in the same transaction, called
 * directly, because the certificate is not valid without them.
 */
export class CertificateActivated extends RecordedEvent<CertificateEventPayload> {
  readonly recordAs = CERTIFICATE_ACTIVATED;
}

/** A certificate stopped being active: expired, superseded or revoked (`payload.reason`). */
export class CertificateDeactivated extends RecordedEvent<CertificateEventPayload> {
  readonly recordAs = CERTIFICATE_DEACTIVATED;
}
