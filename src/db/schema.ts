// Every table, role and policy of Parley's database, one file per area (drizzle-kit reads this).
export * from './tables/common.js'
export * from './tables/accounts.js'
export * from './tables/messaging.js'
export * from './tables/consent-state.js'
export * from './tables/consent.js'
export * from './tables/outbound.js'
export * from './tables/audit.js'
