# Parley runs its TypeScript sources directly through tsx (a runtime dependency), so there
# is no build stage: one stage installs production dependencies, the final one adds the sources.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Manifests first so the dependency layer stays cached until they change.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app

# App files stay root-owned (read-only to the app); only /data is writable by it.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
# src/ includes db/migrations (SQL + meta JSON).
COPY src ./src
COPY views ./views
COPY public ./public
COPY openapi ./openapi

# Created (and chowned) before VOLUME so a fresh named volume inherits node's ownership.
# Holds the embedded PostgreSQL when DATABASE_URL is unset, and media/files.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

# Non-root. tsx writes its transform cache to the OS temp dir, which node can write.
USER node

EXPOSE 3000

# slim has no curl, so probe with node itself. /readyz is 200 only when the database
# answers and is migrated; start-period covers migrations on first boot.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM directly, so the graceful shutdown
# (stop accepting, drain jobs, close the pool) runs on `docker stop`.
CMD ["node", "bin/parley.js", "serve"]
