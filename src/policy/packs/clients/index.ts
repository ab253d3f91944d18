/** Built-in policies of real npm telemetry clients, each read from the tool's docs and its pinned source. */
import type { Policy } from '../../policy-schema.js';
import { gatsbyPolicy } from './gatsby.js';
import { angularPolicy } from './angular.js';
import { astroPolicy } from './astro.js';
import { nextjsPolicy } from './nextjs.js';
import { nuxtPolicy } from './nuxt.js';
import { prismaPolicy } from './prisma.js';
import { storybookPolicy } from './storybook.js';
import { turboPolicy } from './turbo.js';

export const CLIENT_POLICIES: Record<string, Policy> = {
  nextjs: nextjsPolicy,
  astro: astroPolicy,
  nuxt: nuxtPolicy,
  turbo: turboPolicy,
  prisma: prismaPolicy,
  angular: angularPolicy,
  storybook: storybookPolicy,
  gatsby: gatsbyPolicy,
};
