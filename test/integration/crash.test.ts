/** Crash recovery and draining on the native raw-batch consumer (the default). */
import { crashSuite } from './suites/crash-suite.ts';

crashSuite('native');
