/**
 * Kafka client errors → LastProcessingResult, in the words AWS uses (lambda-esm.md §4.1), so existing
 * dashboards and runbooks keep working. Classified by the error code the adapters set
 * (src/kafka/kafka-error.ts), falling back to librdkafka's message text.
 */
export const PROBLEMS = {
  functionCallFailed: 'PROBLEM: Function call failed',
  connection: 'PROBLEM: Connection error. Please check your event source connection configuration.',
  sasl: 'PROBLEM: SASL authentication failed.',
  authorization: 'PROBLEM: Cluster failed to authorize Lambda.',
  serverCertificate: 'PROBLEM: Lambda failed to authenticate server.',
} as const;

export function connectionProblem(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'KAFKA_AUTH_FAILED') return PROBLEMS.sasl;
  if (code === 'KAFKA_NOT_AUTHORIZED') return PROBLEMS.authorization;
  const text = `${error.message} ${String(code ?? '')}`.toLowerCase();
  if (text.includes('sasl') || text.includes('authentication')) return PROBLEMS.sasl;
  if (text.includes('authoriz')) return PROBLEMS.authorization;
  if (text.includes('ssl') || text.includes('certificate')) return PROBLEMS.serverCertificate;
  return PROBLEMS.connection;
}
