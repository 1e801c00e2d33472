/** A file name from a room title: lower case, dashes, at most 60 characters. */
export function fileSlug(title: string, fallback: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || fallback
}
