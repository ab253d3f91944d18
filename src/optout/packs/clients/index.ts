/** Built-in opt-out packs of real npm telemetry clients (pins and measured matrices: clients.json). */
import type { Pack } from '../../pack-schema.js';
import { gatsbyPack } from './gatsby.js';
import { angularPack } from './angular.js';
import { astroPack } from './astro.js';
import { nextjsPack } from './nextjs.js';
import { nuxtPack } from './nuxt.js';
import { prismaPack } from './prisma.js';
import { storybookPack } from './storybook.js';
import { turboPack } from './turbo.js';

export const CLIENT_PACKS: Record<string, Pack> = {
  nextjs: nextjsPack,
  astro: astroPack,
  nuxt: nuxtPack,
  turbo: turboPack,
  prisma: prismaPack,
  angular: angularPack,
  storybook: storybookPack,
  gatsby: gatsbyPack,
};
