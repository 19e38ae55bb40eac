// Public surface of src/metrics: the admin HTTP listener (/metrics, /healthz, /readyz) and the
// host's metrics registry read from the components' own counters at scrape time. Imports shared/
// and the components it reads; prom-client formats.

export { AdminServer } from './admin-server.js';
export type { AdminServerOptions, AdminSource } from './admin-server.js';
export { HostMetrics } from './host-metrics.js';
export type { HostMetricsParts, Readiness } from './host-metrics.js';
export { ClusterAdminSource, answerAdminRequests } from './cluster-admin.js';
export type { ClusterMember } from './cluster-admin.js';
