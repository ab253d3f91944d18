/**
 * The published policy's own samples, as data. They are the reference each kind is compared
 * with in the inspector, and the documented shape every kind must accept. The third Enterprise
 * sample is given here corrected: the guide's copy misses a comma and is not valid JSON.
 */

export const SERVER_SAMPLE = {
  id: 12,
  timestamp: '2019-01-21T19:43:33.63838+00:00',
  db_uid: 'dddff371-dab2-450f-9969-235bca66dab1',
  instance_uid: '6799360d-a431-40c5-9f68-24592a9f07df',
  version: 'v1.0.0-alpha36',
  ci: 'TRAVIS',
  metrics: {
    views: 1,
    tables: 2,
    functions: 1,
    permissions: { roles: 1, delete: 2, insert: 1, select: 2, update: 2 },
    relationships: { auto: 2, manual: 0 },
    event_triggers: 0,
    remote_schemas: 1,
  },
};

const EE_HEADER = {
  license_jti: 'e86e5a54-ad3b-49e6-98ca-ab34b0a50f8f',
  client_id: null,
  metadata_db_uid: '4492082b-a2d6-4d4c-81e5-f481b2aea669',
  instance_uid: 'f6d67a85-4a4f-4897-a767-89a86253b59c',
  sample_uid: '2a18421a-baff-466b-bf34-b7fd6a5c76c8',
};

export const EE_METRICS_SAMPLE = {
  ...EE_HEADER,
  hasura_version: 'v2.23.0',
  metrics: {
    api_limits_enabled: true,
    api_limits_roles_with_limits: 0,
    api_limits_rate_limits: 0,
    api_limits_depth_limits: 0,
    api_limits_node_limits: 0,
    api_limits_time_limits: 0,
    api_limits_batch_limits: 0,
    prometheus_endpoint_enabled: false,
    prometheus_secret_enabled: false,
    otel_enabled: false,
    otel_traces_enabled: false,
    allow_list_roles: 0,
    logs_http_response_log_enabled: false,
    logs_api_limit_log_enabled: false,
    logs_live_query_poller_log_enabled: false,
    logs_caching_log_enabled: false,
    logs_tracing_log_enabled: true,
    logs_metrics_log_enabled: false,
    logs_health_check_log_enabled: false,
    rate_limiting_enabled: false,
    caching_enabled: false,
    remote_schemas: 0,
    actions_synchronous: 0,
    actions_asynchronous: 0,
    actions_query: 0,
    actions_type_relationships: 0,
    actions_custom_types: 0,
    resource_cpu: 2048,
    resource_memory: 0,
    resource_checker_error_code: 'CPU_MEMORY_INCONCLUSIVE',
    jwt_secrets_configured: 2,
    admin_secrets_configured: 2,
  },
};

export const EE_SOURCE_METRICS_SAMPLE = {
  ...EE_HEADER,
  hasura_version: '12345',
  metrics: {
    backend_type: 'postgres',
    read_replicas: 0,
    health_check_enabled: false,
    tables: 0,
    views: 0,
    enum_tables: 0,
    relationships_manual: 0,
    relationships_auto: 0,
    permissions_select: 0,
    permissions_insert: 0,
    permissions_update: 0,
    permissions_delete: 0,
    permissions_roles: 0,
    event_triggers: 0,
    functions: 0,
    native_queries: 0,
    query_tags_enabled: false,
    connection_templates_enabled: false,
  },
};

const v = (value: number) => [{ value }];
export const EE_USAGE_METRICS_SAMPLE = {
  ...EE_HEADER,
  hasura_version: '12345',
  metrics: {
    hasura_action_request_bytes_total: v(0),
    hasura_action_response_bytes_total: v(0),
    hasura_active_subscriptions: v(0),
    hasura_cron_events_invocation_total: [{ status: 'success', value: 0 }],
    hasura_event_invocations_total: [{ status: 'success', value: 0 }],
    hasura_event_trigger_http_workers: v(0),
    hasura_events_fetched_per_batch: v(0),
    hasura_event_trigger_request_bytes_total: v(0),
    hasura_event_trigger_response_bytes_total: v(0),
    hasura_graphql_requests_total: [{ operation_type: 'query', response_status: 'failed', value: 0 }],
    hasura_http_connections: v(0),
    hasura_http_request_bytes_total: v(0),
    hasura_http_response_bytes_total: v(0),
    hasura_metadata_resource_version: v(1),
    hasura_postgres_connections: [{ role: 'primary', source_name: 'default', value: 1 }],
    hasura_scheduled_trigger_request_bytes_total: v(0),
    hasura_scheduled_trigger_response_bytes_total: v(0),
    hasura_websocket_connections: v(0),
    hasura_websocket_messages_received_bytes_total: v(0),
    hasura_websocket_messages_sent_bytes_total: v(0),
  },
};

export const CONSOLE_SAMPLE = {
  server_version: '2.0.0',
  event_type: 'Main/RUN_TIME_ERROR',
  url: '/data/schema/SCHEMA_NAME/tables/TABLE_NAME/modify',
  console_mode: 'cli',
  cli_uuid: '0e4e2e9b-7fc9-44b8-9d5c-955673e20e0b',
  server_uuid: '015a8f49-2fbd-4c41-8066-23f48d9c620a',
  data: { message: 'Uncaught TypeError: something is not a function', stack: [' at main.js:1:3'] },
};

export const CLI_SAMPLE = {
  id: 115,
  timestamp: '2019-01-21T11:36:07.86783+00:00',
  uuid: 'e462ce20-42dd-40fd-9549-edfb92f80455',
  execution_id: 'ddfa9c33-0693-457d-9026-c7f456c43322',
  version: 'v0.4.27',
  command: 'hasura version',
  is_error: false,
  os_platform: 'linux',
  os_arch: 'amd64',
  server_uuid: 'a4d66fb2-f88d-457b-8db1-ea7a0b57921d',
  server_version: 'v1.0.0-alpha36',
  payload: null,
};
