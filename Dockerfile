# The `outbound` CLI as a container image: the bundled CLI (bin/build-cli.mjs) on Node 24
# slim with production dependencies only, run as the unprivileged `node` user, the store on
# the /data volume. Build: docker build -t outbound . · Run: docker run --rm -v outbound-data:/data
# -v "$PWD:/work:ro" outbound run /work/export.json --input /work/members.ndjson
# (README "Scale out"; examples/k8s/ runs it as a Kubernetes Indexed Job, one shard a pod.)

# 1. Build the bundle: every dependency (esbuild is needed), never Electron's binary.
FROM node:24-slim AS build
WORKDIR /app
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
# `npm ci` runs `prepare` (the bundle) too; built again explicitly so a skipped script fails here.
RUN npm ci --no-audit --no-fund \
 && node bin/build-cli.mjs \
 && node dist/cli/outbound.mjs --help > /dev/null

# 2. Production dependencies only. No install scripts: better-sqlite3 13 ships its prebuilt
#    addons inside the package (prebuilds/linux-x64.node, linux-arm64.node), so no compiler is
#    needed, and the root `prepare` (the bundle, built above) has no sources here.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# 3. The image: the bundle, production node_modules (better-sqlite3 is loaded from there), /data.
FROM node:24-slim
# MALLOC_ARENA_MAX and the node flags below: src/shared/node-memory.mjs (one list for the
# bin's shebang, scheduled units and this image; tests/unit/node-memory.test.ts compares).
ENV NODE_ENV=production \
    OUTBOUND_DB=/data/outbound.db \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/cli ./dist/cli
COPY package.json ./
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# The bundle itself, not bin/outbound.mjs: that launcher compares the bundle with the
# sources, which the image does not carry, and would fall back to them.
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "/app/dist/cli/outbound.mjs"]
CMD ["--help"]
