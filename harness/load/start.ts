import { ErrorCode, KdrillError } from '../common/errors.js';
import { dbTargetOf, ensureDatabase } from '../db/target.js';
import type { LoadStartOptions, StartedLoad } from './driver.js';
import { LOAD_DRIVERS } from './drivers.js';

// The scenario's load on this backend, started; undefined when there is nothing to load
// (driver "none", or a backend without a database, such as the in-memory fake).
export async function startScenarioLoad(options: LoadStartOptions): Promise<StartedLoad | undefined> {
  const { spec } = options;
  if (spec.driver === 'none') return undefined;
  const driver = LOAD_DRIVERS.get(spec.driver);
  if (!driver) throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `the ${spec.driver} load driver is not available in this version`);
  // In the cluster when asked (or when the driver prefers it): the Job reaches the database
  // inside the cluster, so nothing here connects to it.
  const inCluster = spec.runIn !== undefined ? spec.runIn === 'cluster' : ((await driver.prefersCluster?.(options)) ?? false);
  if (inCluster) {
    if (!driver.startInCluster) throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `the ${spec.driver} load driver does not run in the cluster`);
    return driver.startInCluster(options);
  }
  const endpoints = await options.backend.endpoints();
  const endpoint = dbTargetOf(endpoints);
  if (!endpoint) {
    options.log(`load: ${endpoints.readWrite} is not a database; running without load`);
    return undefined;
  }
  return driver.start(options.database ? await ensureDatabase(endpoint, options.database) : endpoint, options);
}
