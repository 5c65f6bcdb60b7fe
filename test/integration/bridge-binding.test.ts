/**
 * The bridge's end-to-end and crash tests again, on the fallback consumer
 * (@confluentinc/kafka-javascript consume(n)): the rest of the bridge cannot tell the adapters apart.
 */
import { bridgeSuite } from './suites/bridge-suite.ts';
import { crashSuite } from './suites/crash-suite.ts';

bridgeSuite('binding');
crashSuite('binding');
