/**
 * Closed lists the Hasura pack checks values against, read from the public graphql-engine
 * source (see the facts doc). A value outside a list is either a name the user chose (a leak)
 * or a new value to review; both are findings.
 */

/** CI vendors the server's ci-info library reports (constructor names minus `CI_`). */
export const CI_VENDORS = [
  'APPVEYOR', 'AZURE_PIPELINES', 'BAMBOO', 'BITBUCKET', 'BITRISE', 'BUDDY', 'BUILDKITE', 'CIRCLE', 'CIRRUS',
  'CODEBUILD', 'CODESHIP', 'DRONE', 'DSARI', 'GITLAB', 'GOCD', 'HUDSON', 'JENKINS', 'MAGNUM', 'NETLIFY',
  'NEVERCODE', 'SAIL', 'SEMAPHORE', 'SHIPPABLE', 'SOLANO', 'STRIDER', 'TASKCLUSTER', 'TEAMCITY', 'TRAVIS',
  'UNKNOWN_VENDOR',
];

export const BACKEND_TYPES = ['postgres', 'citus', 'cockroach', 'mssql', 'bigquery', 'dataconnector', 'mysql'];

/**
 * `db_kind` is the source kind; for data connectors it is the connector NAME the user chose in
 * metadata. Only the names Hasura's own connectors are conventionally registered under are
 * allowed; anything else is the user's name for their connector.
 */
export const DB_KINDS = [
  'postgres', 'citus', 'cockroach', 'mssql', 'bigquery',
  'athena', 'snowflake', 'mysql8', 'mariadb', 'oracle', 'redshift', 'clickhouse', 'sqlite', 'mongodb', 'duckdb',
];

export const EXPERIMENTAL_FEATURES = [
  'inherited_roles', 'optimize_permission_filters', 'naming_convention', 'streaming_subscriptions', 'apollo_federation',
  'hide_update_many_fields', 'bigquery_string_numeric_input', 'hide_aggregation_predicates', 'hide_stream_fields',
  'group_by_aggregations', 'disable_postgres_arrays',
];

export const RESOURCE_CHECKER_ERRORS = [
  'CGROUP_UNAVAILABLE', 'CPU_INCONCLUSIVE', 'MEMORY_INCONCLUSIVE', 'CPU_MEMORY_INCONCLUSIVE',
  'INVALID_CPU_SHARES', 'INVALID_CPU_QUOTA', 'INVALID_CPU_PERIOD', 'INVALID_CPU_PERIOD_AND_QUOTA',
];

/** Go GOOS / GOARCH values (the CLI sends runtime.GOOS and runtime.GOARCH). */
export const GO_OS = ['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'illumos', 'ios', 'js', 'linux', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows'];
export const GO_ARCH = ['386', 'amd64', 'arm', 'arm64', 'loong64', 'mips', 'mips64', 'mips64le', 'mipsle', 'ppc64', 'ppc64le', 'riscv64', 's390x', 'wasm'];

/** Command paths of the Hasura CLI (cobra CommandPath), current and older/hidden ones. */
export const CLI_COMMANDS = [
  'hasura',
  'hasura actions', 'hasura actions codegen', 'hasura actions create', 'hasura actions use-codegen',
  'hasura completion', 'hasura console', 'hasura deploy', 'hasura init', 'hasura docs', 'hasura help', 'hasura settings',
  'hasura metadata', 'hasura metadata apply', 'hasura metadata clear', 'hasura metadata diff', 'hasura metadata export',
  'hasura metadata inconsistency', 'hasura metadata inconsistency drop', 'hasura metadata inconsistency list',
  'hasura metadata inconsistency status', 'hasura metadata reload', 'hasura metadata reset', 'hasura metadata track',
  'hasura metadata untrack', 'hasura metadata get-inconsistency', 'hasura metadata drop-inconsistency',
  'hasura migrate', 'hasura migrate apply', 'hasura migrate create', 'hasura migrate delete', 'hasura migrate squash',
  'hasura migrate status', 'hasura migrate clear', 'hasura migrate settings', 'hasura migrate settings get', 'hasura migrate settings set',
  'hasura plugins', 'hasura plugins install', 'hasura plugins list', 'hasura plugins uninstall', 'hasura plugins upgrade', 'hasura plugins update',
  'hasura scripts', 'hasura scripts update-project-v2', 'hasura scripts update-project-v3', 'hasura scripts update-project-multiple-sources',
  'hasura seed', 'hasura seed apply', 'hasura seed create', 'hasura seeds', 'hasura seeds apply', 'hasura seeds create',
  'hasura update-cli', 'hasura version',
];

/**
 * Literal segments of console routes (the console's routers) plus the placeholders its URL
 * sanitiser writes. A segment outside this list is a name the sanitiser let through.
 */
export const CONSOLE_ROUTE_WORDS = [
  'login', 'heroku-callback', 'neon-integration', 'callback', 'api', 'api-explorer', 'rest', 'create', 'list', 'details',
  'edit', 'allow-list', 'detail', 'voyager-view', 'settings', 'metadata-actions', 'metadata-status', 'logout', 'about',
  'inherited-roles', 'insecure-domain', 'feature-flags', 'support', 'forums', '404', 'data', 'migrations', 'v2', 'manage',
  'connect', 'database', 'add', 'table', 'function', 'model-count-summary', 'schema', 'sql', 'native-queries',
  'logical-models', 'stored-procedures', 'track', 'tables', 'views', 'functions', 'browse', 'insert', 'modify',
  'relationships', 'permissions', 'existing-table-view', 'actions', 'add-oas', 'codegen', 'types', 'events', 'scheduled',
  'cron', 'logs', 'pending', 'processed', 'remote-schemas', 'triggers',
  // /data/manage/source/<source>/...: the route word; the source name after it is judged on its own.
  'source',
];
/**
 * The source Hasura itself creates ("default"): a console of a typical install sends
 * /data/default/schema/SCHEMA_NAME/... Source names are not anonymised, but this one names
 * nothing of the user's (the pack accepts source_name "default" in the EE sample too).
 */
export const DEFAULT_SOURCE_NAME = 'default';
export const CONSOLE_PLACEHOLDERS = [
  'SCHEMA_NAME', 'TABLE_NAME', 'VIEW_NAME', 'FUNCTION_NAME', 'REMOTE_SCHEMA_NAME', 'TRIGGER_NAME', 'DATA_TRIGGER_NAME',
  'CRON_TRIGGER_NAME', 'ACTION_NAME',
  // The actions filter drops its first capture group, so the placeholder is glued to the prefix.
  'actions$ACTION_NAME', '$ACTION_NAME',
];

export const CONSOLE_EVENT_TYPES = ['RUN_TIME_ERROR', 'SET_FEATURE_FLAG', 'CLICK_EVENT', 'INPUT_CHANGE_EVENT', 'CONNECT_DB'];
