/**
 * The console checks shared by the packs of the two programs that serve Hasura's console (the
 * server at /console, the CLI's `hasura console`): a probe of the switch the page is told, and the
 * page in a real browser.
 */

/** The console page embeds `window.__env = {…, enableTelemetry: true|false, …}` (an unquoted JS boolean). */
export const consoleProbe = (servedBy: 'server' | 'CLI', enabled: boolean, route = '/console') => ({
  url: `http://127.0.0.1:{{port}}${route}`,
  matches: `enableTelemetry"?\\s*:\\s*${enabled}\\b`,
  description: `the console served by the ${servedBy} is told enableTelemetry: ${enabled}`,
});

/**
 * The console in a real browser: it loads the console and clicks the first tracked element (the
 * console tracks clicks on elements with data-trackid), so a console that ignores the switch
 * sends a CLICK_EVENT frame, and the scenario judges that frame with the target's requests.
 */
export const consoleInBrowser = (servedBy: 'server' | 'CLI', enabled: boolean, route = '/console') => ({
  url: `http://127.0.0.1:{{port}}${route}`,
  steps: [{ click: '[data-trackid]' }],
  description: `the console served by the ${servedBy}, in headless Chromium (telemetry ${enabled ? 'on' : 'off'}): what it sends`,
});
