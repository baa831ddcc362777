import type { Cooperative } from '../api';
import { destroyCharts } from './charts';
import { renderProducer } from './producer-page';
import { renderProvincePrint } from './print-page';
import { renderProvince } from './province-page';
import { renderSyncHealth } from './sync-page';

export type Report = 'province' | 'province-print' | 'producer' | 'sync';

/** Draws a report into its box (the report modules build plain DOM from text, never markup). */
export async function renderReport(
  report: Report,
  box: HTMLElement,
  id: string | undefined,
  producers: Cooperative[],
): Promise<void> {
  destroyCharts();
  box.replaceChildren();
  if (report === 'producer') await renderProducer(box, id ?? '');
  else if (report === 'sync') await renderSyncHealth(box);
  else if (report === 'province-print') await renderProvincePrint(box);
  else await renderProvince(box, producers);
}

export function leaveReport(): void {
  destroyCharts();
}
