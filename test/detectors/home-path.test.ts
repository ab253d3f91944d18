import { homePathDetector } from '../../src/detectors/home-path.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(homePathDetector, {
  valid: [
    '/api/home/feed',
    'https://example.com/Users',
    'C:\\Users\\Public\\Documents',
    '/Users/Shared/x',
    'the /home/ directory',
    'HOME directory',
  ],
  invalid: [
    ['{"File":"/home/runner/work/graphql-engine/cli/commands/migrate_apply.go"}', ['/home/runner']],
    ['at /Users/jane.doe/src/app.js:1:2', ['/Users/jane.doe']],
    ['C:\\Users\\jdoe\\AppData', ['C:\\Users\\jdoe']],
    ['{"p":"C:\\\\Users\\\\jdoe\\\\AppData"}', ['C:\\\\Users\\\\jdoe']],
    ['file:///home/alice/.hasura/config.json', ['/home/alice']],
  ],
  adversarial: ['/home/', '/Users/', 'C:\\Users\\', 'C:\\\\Users\\\\a', '/home/a a a', 'Users'],
});
