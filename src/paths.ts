import { fileURLToPath } from 'node:url'

/** The folder holding package.json, views/ and public/, wherever Parley is started from. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The eta templates. */
export const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url))
