/** The Apache Kafka version we are compatible with; reported as the built-in plugins' version, as Apache does. */
export const KAFKA_VERSION = '4.3.1';
