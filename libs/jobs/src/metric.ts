import { register } from 'prom-client';

/** A metric registered once per process, however many times its module is loaded (tests). */
export function singletonMetric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
