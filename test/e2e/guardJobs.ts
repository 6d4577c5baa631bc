/**
 * The worker's jobs module for end-to-end tests: the built-in jobs unchanged, with the network guard installed
 * in the worker thread (anything non-local it sees is appended to LONGHAND_TEST_NET_LOG).
 */
import type { JobRegistry } from '../../src/worker/jobs.js';
import { installNetGuard } from '../integration/service/netGuard.js';

if (process.env.LONGHAND_TEST_NET_LOG) installNetGuard(process.env.LONGHAND_TEST_NET_LOG);

export const jobs: Partial<JobRegistry> = {};
