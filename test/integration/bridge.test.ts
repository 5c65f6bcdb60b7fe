/** The bridge end to end on the native raw-batch consumer (the default). */
import { bridgeSuite } from './suites/bridge-suite.ts';

bridgeSuite('native');
