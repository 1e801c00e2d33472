// Copies tldraw's fonts, icons and translations into public/ so the app never loads them from a CDN.
import { cpSync, mkdirSync, rmSync } from 'node:fs'

const target = 'public/tldraw-assets'
rmSync(target, { recursive: true, force: true })
mkdirSync(target, { recursive: true })
for (const folder of ['fonts', 'icons', 'translations', 'embed-icons']) {
  cpSync(`node_modules/@tldraw/assets/${folder}`, `${target}/${folder}`, { recursive: true })
}
