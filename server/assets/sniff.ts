/** Image types we accept, recognised by their first bytes, never by name or header. */
export type ImageType = { extension: 'png' | 'jpg' | 'gif' | 'webp'; contentType: string }

const ascii = (bytes: Uint8Array, start: number, text: string) => [...text].every((char, i) => bytes[start + i] === char.charCodeAt(0))

export function sniffImage(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return { extension: 'png', contentType: 'image/png' }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { extension: 'jpg', contentType: 'image/jpeg' }
  if (bytes.length >= 6 && (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a'))) return { extension: 'gif', contentType: 'image/gif' }
  if (bytes.length >= 12 && ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return { extension: 'webp', contentType: 'image/webp' }
  return null
}

const BY_EXTENSION: Record<ImageType['extension'], string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' }

export function contentTypeFor(extension: string): string | null {
  return (BY_EXTENSION as Record<string, string>)[extension] ?? null
}
