/**
 * Which values can serve as sensitive terms. A term that is too short or a common word would
 * match everywhere and drown real leaks in noise, so a user's term is refused with a reason and
 * an automatically collected one is dropped.
 */
import { BACKEND_TYPES, CLI_COMMANDS, CONSOLE_ROUTE_WORDS, DB_KINDS, EXPERIMENTAL_FEATURES, GO_ARCH, GO_OS } from '../policy/packs/hasura/vocabulary.js';

export const MIN_TERM_LENGTH = 4;

// Common English and software words, and the words telemetry payloads carry by design (field
// names, route words, CLI command words): none of these says anything about a user.
const WORDS = `
about above after again against also always another any anything around away back because been before being below
between both bring call came come could data date does done down during each else even every find first from
give goes going good great group have having here high home however into just keep kind know large last left less
like line list little long look made make many more most much must name near need never next none nothing number
often only open other over part people place point right same says second should show side small some something
still such take than that their them then there these they thing think this those though three through time today
together took under until upon used user users using very want well were what when where which while will with
within without word work world would year your
true false null none undefined default public private system local localhost localdomain example test tests testing
main master develop trunk admin administrator root guest nobody anonymous everyone owner operator service services
server servers client clients console cloud host hostname domain network internet http https socket
table tables view views column columns schema schemas source sources database databases query queries mutation
mutations subscription subscriptions select insert update delete upsert create drop alter index function functions
trigger triggers event events action actions role roles permission permissions relationship relationships remote
metadata migration migrations seed seeds version versions config settings setting value values count counts
type types field fields object objects array arrays string strings integer boolean text json yaml graphql
error errors message messages stack warning info debug trace status state result results request requests response
id uuid key keys token tokens secret password email phone address first_name last_name created_at updated_at
month months week year years title code codes city country region quarter score balance quantity amount price total
color size level levels note notes label labels image images file files path paths page pages link links
audit repo repos project projects build builds checkout workspace clone src app apps
hasura telemetry linux darwin windows amd64 arm64 postgres postgresql mssql bigquery citus cockroach
`;

export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...WORDS.split(/\s+/).filter((w) => w !== ''),
  ...CONSOLE_ROUTE_WORDS.map((w) => w.toLowerCase()),
  ...CLI_COMMANDS.flatMap((c) => c.split(' ')).map((w) => w.toLowerCase()),
  ...[...BACKEND_TYPES, ...DB_KINDS, ...EXPERIMENTAL_FEATURES, ...GO_OS, ...GO_ARCH].map((w) => w.toLowerCase()),
]);

/** Why a value cannot be a sensitive term, or null when it can. */
export function termProblem(value: string): string | null {
  const v = value.trim();
  if ([...v].length < MIN_TERM_LENGTH) return `shorter than ${MIN_TERM_LENGTH} characters`;
  if (COMMON_WORDS.has(v.toLowerCase())) return 'a common word that clean telemetry carries too';
  // Counts, versions and times ("2.36.0", "12:30") recur in clean telemetry; an IPv4 address does not.
  if (/^[\d.\s:-]+$/.test(v) && v.replace(/\D/g, '').length < 6 && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(v)) {
    return 'a short number, which matches counts and versions';
  }
  return null;
}
