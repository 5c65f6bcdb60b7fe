/**
 * The bridge's end-to-end and crash tests again, on the fallback consumer
 * (@confluentinc/kafka-javascript consume(n)): the rest of the bridge cannot tell the adapters apart.
 */
process.env.KLB_CONSUMER = 'binding';
await import('./bridge.test.ts');
await import('./crash.test.ts');
