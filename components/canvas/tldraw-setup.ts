import { getAssetUrls } from '@tldraw/assets/selfHosted'
import type { TldrawOptions } from 'tldraw'

/** tldraw's fonts, icons and translations, served from this origin (scripts/copy-tldraw-assets.mjs). */
export const tldrawAssetUrls = getAssetUrls({ baseUrl: '/tldraw-assets' })

/**
 * Options every editor of the app gets (module-level, so their identity never changes).
 * maxShapesPerPage: tldraw refuses to create shapes past 4,000 on a page by default; large
 * system designs and imported boards can pass that, and the browser benchmark opens a
 * 5,000-shape room. tldraw also uses the limit to space its z-index layers, so it stays a
 * finite number.
 */
export const tldrawOptions = { maxShapesPerPage: 10_000 } satisfies Partial<TldrawOptions>
