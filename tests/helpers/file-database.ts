import { afterAll, inject } from 'vitest'
import { createScratchDatabase, useTestDatabase } from './databases.js'

// Each test file gets its own copy of the project's migrated database (copying is fast; the
// migrations ran once). Files then run in parallel without processing each other's webhook
// events or sends, which a shared database let happen.
const project = new URL(inject('databaseUrl'))
const template = project.pathname.slice(1)
// Nobody may be connected to a template while it is copied: ask from the server's own database.
const server = new URL(project)
server.pathname = '/postgres'
const database = await createScratchDatabase(server.toString(), 'parley_file', template)
useTestDatabase(database.url)
afterAll(() => database.drop())
