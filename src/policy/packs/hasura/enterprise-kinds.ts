/** Enterprise server payloads: no EE code is public, so the guide's three samples define them. */
import type { FieldSpec, PayloadKind } from '../../policy-schema.js';
import { arrayOf, bool, count, exactly, nullable, obj, oneOf, optional, str } from '../../spec-builders.js';
import { HASURA_RULES } from './rules.js';
import { EE_METRICS_SAMPLE, EE_SOURCE_METRICS_SAMPLE, EE_USAGE_METRICS_SAMPLE } from './samples.js';
import { BACKEND_TYPES, DEFAULT_SOURCE_NAME } from './vocabulary.js';
import { resourceCheckerError } from './server-kinds.js';

const header = {
  license_jti: str('uuid', { description: 'licence id (documented by the guide)' }),
  client_id: nullable(str('uuid')),
  metadata_db_uid: str('uuid-v4'),
  instance_uid: str('uuid-v4'),
  sample_uid: str('uuid-v4'),
  hasura_version: str('version'),
};

const isEE = { path: 'license_jti', exists: true };

export const eeMetrics: PayloadKind = {
  id: 'ee-metrics',
  title: 'Enterprise metrics',
  source: 'hasura-telemetry-guide: Enterprise Edition server, first sample',
  transport: 'http',
  match: isEE,
  schema: obj({
    ...header,
    metrics: obj({
      api_limits_enabled: bool(),
      api_limits_roles_with_limits: count(),
      api_limits_rate_limits: count(),
      api_limits_depth_limits: count(),
      api_limits_node_limits: count(),
      api_limits_time_limits: count(),
      api_limits_batch_limits: count(),
      prometheus_endpoint_enabled: bool(),
      prometheus_secret_enabled: bool(),
      otel_enabled: bool(),
      otel_traces_enabled: bool(),
      allow_list_roles: count(),
      logs_http_response_log_enabled: bool(),
      logs_api_limit_log_enabled: bool(),
      logs_live_query_poller_log_enabled: bool(),
      logs_caching_log_enabled: bool(),
      logs_tracing_log_enabled: bool(),
      logs_metrics_log_enabled: bool(),
      logs_health_check_log_enabled: bool(),
      rate_limiting_enabled: bool(),
      caching_enabled: bool(),
      remote_schemas: count(),
      actions_synchronous: count(),
      actions_asynchronous: count(),
      actions_query: count(),
      actions_type_relationships: count(),
      actions_custom_types: count(),
      resource_cpu: nullable(count()),
      resource_memory: nullable(count()),
      resource_checker_error_code: resourceCheckerError,
      jwt_secrets_configured: count(),
      admin_secrets_configured: count(),
    }),
  }),
  sample: EE_METRICS_SAMPLE,
};

export const eeSourceMetrics: PayloadKind = {
  id: 'ee-source-metrics',
  title: 'Enterprise per-source metrics',
  source: 'hasura-telemetry-guide: Enterprise Edition server, second sample',
  transport: 'http',
  match: { all: [isEE, { path: 'metrics.backend_type', exists: true }] },
  schema: obj({
    ...header,
    metrics: obj({
      backend_type: oneOf(BACKEND_TYPES),
      read_replicas: count(),
      health_check_enabled: bool(),
      tables: count(),
      views: count(),
      enum_tables: count(),
      relationships_manual: count(),
      relationships_auto: count(),
      permissions_select: count(),
      permissions_insert: count(),
      permissions_update: count(),
      permissions_delete: count(),
      permissions_roles: count(),
      event_triggers: count(),
      functions: count(),
      native_queries: count(),
      query_tags_enabled: bool(),
      connection_templates_enabled: bool(),
    }),
  }),
  sample: EE_SOURCE_METRICS_SAMPLE,
};

const value = { type: 'number', min: 0 } as const satisfies FieldSpec;
const series = (labels: Record<string, FieldSpec> = {}): FieldSpec => arrayOf(obj({ ...labels, value }));
const status = oneOf(['success', 'failed']);

export const eeUsageMetrics: PayloadKind = {
  id: 'ee-usage-metrics',
  title: 'Enterprise usage metrics (Prometheus style)',
  source: 'hasura-telemetry-guide: Enterprise Edition server, third sample (corrected: the guide copy misses a comma)',
  transport: 'http',
  match: {
    all: [
      isEE,
      { any: [{ path: 'metrics.hasura_graphql_requests_total', exists: true }, { path: 'metrics.hasura_http_connections', exists: true }, { path: 'metrics.hasura_active_subscriptions', exists: true }] },
    ],
  },
  schema: obj({
    ...header,
    metrics: obj({
      hasura_action_request_bytes_total: series(),
      hasura_action_response_bytes_total: series(),
      hasura_active_subscriptions: series(),
      hasura_cron_events_invocation_total: series({ status }),
      hasura_event_invocations_total: series({ status }),
      hasura_event_trigger_http_workers: series(),
      hasura_events_fetched_per_batch: series(),
      hasura_event_trigger_request_bytes_total: series(),
      hasura_event_trigger_response_bytes_total: series(),
      hasura_graphql_requests_total: series({
        operation_type: oneOf(['query', 'mutation', 'subscription']),
        response_status: status,
      }),
      hasura_http_connections: series(),
      hasura_http_request_bytes_total: series(),
      hasura_http_response_bytes_total: series(),
      hasura_metadata_resource_version: series(),
      hasura_postgres_connections: series({
        role: oneOf(['primary', 'replica']),
        // The documented sample names the source; only the built-in "default" is not a user's name.
        source_name: optional(exactly(DEFAULT_SOURCE_NAME, { rule: HASURA_RULES.sourceName.id, message: 'a database source name the user chose' })),
      }),
      hasura_scheduled_trigger_request_bytes_total: series(),
      hasura_scheduled_trigger_response_bytes_total: series(),
      hasura_websocket_connections: series(),
      hasura_websocket_messages_received_bytes_total: series(),
      hasura_websocket_messages_sent_bytes_total: series(),
    }),
  }),
  sample: EE_USAGE_METRICS_SAMPLE,
};

/** Order matters: the more specific EE kinds are tried before the general one. */
export const ENTERPRISE_KINDS = [eeUsageMetrics, eeSourceMetrics, eeMetrics];
