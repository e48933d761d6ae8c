import type { Role } from '../db/schema.js'
import { roleAtLeast } from '../http/roles.js'

interface NavItem {
  readonly href: string
  readonly label: string
  readonly minimum: Role
}

// One entry per console area that exists; later areas add themselves here.
const AREAS: readonly NavItem[] = [
  { href: '/', label: 'Home', minimum: 'manager' },
  { href: '/inbox', label: 'Inbox', minimum: 'sales' },
  { href: '/contacts', label: 'Contacts', minimum: 'sales' },
  { href: '/templates', label: 'Templates', minimum: 'sales' },
  { href: '/opt-outs', label: 'Opt-out log', minimum: 'admin' },
  { href: '/audit', label: 'Audit log', minimum: 'admin' },
  { href: '/users', label: 'Users', minimum: 'admin' },
  { href: '/settings', label: 'Settings', minimum: 'admin' },
]

/** The navigation a role may see, with the current area marked. */
export function navFor(role: Role, currentPath: string) {
  return AREAS.filter((area) => roleAtLeast(role, area.minimum)).map((area) => ({
    href: area.href,
    label: area.label,
    current: area.href === '/' ? currentPath === '/' : currentPath.startsWith(area.href),
  }))
}
